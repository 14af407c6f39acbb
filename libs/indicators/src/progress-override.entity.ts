import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';
import { Indicator } from './indicator.entity';
import type { ProgressStatus } from './progress';

/**
 * A status of progress set by a person instead of the computed one (a known data gap, a target revised in COR-IAE),
 * for one indicator, territory and year. The justification is kept with it because a forced status without its
 * reason cannot be defended in a bilan.
 */
@Entity({ name: 'progress_override' })
@Unique('uq_progress_override_key', ['indicatorCode', 'territoryCode', 'year'])
@Index('ix_progress_override_territory_year', ['territoryCode', 'year'])
export class ProgressOverride {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'indicator_code', type: 'varchar', length: 60 })
  indicatorCode!: string;

  @ManyToOne(() => Indicator, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'indicator_code' })
  indicator?: Indicator;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ type: 'integer' })
  year!: number;

  @Column({ type: 'varchar', length: 20 })
  status!: ProgressStatus;

  @Column({ type: 'text' })
  justification!: string;

  @Column({ name: 'set_by', type: 'varchar', length: 120, nullable: true })
  setBy!: string | null;

  /** ISO 8601 instant (ADR 002). */
  @Column({ name: 'set_at', type: 'varchar', length: 30 })
  setAt!: string;
}
