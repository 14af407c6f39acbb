import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Strategy } from './strategy.entity';
import type { Objective } from './objective.entity';

@Entity({ name: 'axis' })
@Unique('uq_axis_number', ['strategyId', 'number'])
export class Axis {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'strategy_id', type: 'integer' })
  strategyId!: number;

  @ManyToOne(() => Strategy, (s) => s.axes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'strategy_id' })
  strategy?: Strategy;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @OneToMany('Objective', (o: Objective) => o.axis)
  objectives?: Objective[];
}
