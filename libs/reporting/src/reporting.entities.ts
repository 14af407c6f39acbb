import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Territory } from '@cap-iae/territories';
import type { BilanKind, BilanStatus } from './bilan-kinds';

/** One generated (or generating) bilan: the archive of what was issued, with the hash of the data it printed. */
@Entity({ name: 'bilan' })
@Index('ix_bilan_territory_year', ['territoryCode', 'year'])
@Index('ix_bilan_status', ['status'])
export class Bilan {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 10 })
  kind!: BilanKind;

  @Column({ name: 'template_id', type: 'varchar', length: 60 })
  templateId!: string;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ name: 'strategy_code', type: 'varchar', length: 40 })
  strategyCode!: string;

  @Column({ type: 'integer' })
  year!: number;

  /** JSON: what was asked and with which template options. */
  @Column({ type: 'text' })
  parameters!: string;

  @Column({ name: 'data_hash', type: 'varchar', length: 64, nullable: true })
  dataHash!: string | null;

  @Column({ name: 'data_date', type: 'varchar', length: 30, nullable: true })
  dataDate!: string | null;

  /** Relative to the bilans folder. */
  @Column({ name: 'file_path', type: 'varchar', length: 300, nullable: true })
  filePath!: string | null;

  @Column({ type: 'integer', nullable: true })
  size!: number | null;

  @Column({ name: 'page_count', type: 'integer', nullable: true })
  pageCount!: number | null;

  @Column({ type: 'varchar', length: 120 })
  author!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ type: 'varchar', length: 12 })
  status!: BilanStatus;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  /** The process generating it (host, pid, random part), while it is pending or running. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  owner!: string | null;

  /** Last time that process said it was still at it; a generation silent for long was cut short by a stop. */
  @Column({ name: 'heartbeat_at', type: 'varchar', length: 30, nullable: true })
  heartbeatAt!: string | null;
}

/** A text written in the app for a bilan before it is generated: the synthesis, an axis, an objective, the conclusion. */
@Entity({ name: 'bilan_narrative' })
@Unique('uq_bilan_narrative_key', ['kind', 'territoryCode', 'strategyCode', 'year', 'ref'])
export class BilanNarrative {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 10 })
  kind!: BilanKind;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_code' })
  territory?: Territory;

  @Column({ name: 'strategy_code', type: 'varchar', length: 40 })
  strategyCode!: string;

  @Column({ type: 'integer' })
  year!: number;

  /** `synthese`, `axe:2`, `objectif:2.1`, `conclusion`. */
  @Column({ type: 'varchar', length: 40 })
  ref!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 120 })
  author!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

export const REPORTING_ENTITIES = [Bilan, BilanNarrative];
