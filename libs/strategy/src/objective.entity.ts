import {
  Column,
  Entity,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Axis } from './axis.entity';
import { PactMeasure } from './pact.entity';

@Entity({ name: 'objective' })
@Unique('uq_objective_number', ['axisId', 'number'])
export class Objective {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'axis_id', type: 'integer' })
  axisId!: number;

  @ManyToOne(() => Axis, (a) => a.objectives, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'axis_id' })
  axis?: Axis;

  /** As printed in the strategy: `1.1`, `3.4`. */
  @Column({ type: 'varchar', length: 10 })
  number!: string;

  @Column({ type: 'varchar', length: 400 })
  title!: string;

  @ManyToMany(() => PactMeasure)
  @JoinTable({
    name: 'objective_pact_measure',
    joinColumn: { name: 'objective_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'pact_measure_id', referencedColumnName: 'id' },
  })
  pactMeasures?: PactMeasure[];
}
