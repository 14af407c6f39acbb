import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';
import type { Axis } from './axis.entity';

@Entity({ name: 'strategy' })
@Unique('uq_strategy_code', ['code'])
export class Strategy {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ name: 'start_year', type: 'integer' })
  startYear!: number;

  @Column({ name: 'end_year', type: 'integer' })
  endYear!: number;

  /** The document the strategy comes from, cited wherever its content is shown. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  source!: string | null;

  @OneToMany('Axis', (axis: Axis) => axis.strategy)
  axes?: Axis[];
}
