import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const OBSERVATION_STATUSES = ['provisional', 'validated'] as const;
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];
export const OBSERVATION_STATUS_LABELS: Record<ObservationStatus, string> = {
  provisional: 'provisoire',
  validated: 'validé',
};

/** Where a value came from: a reference document, the demo generator, a person, a source run, a file import. */
export const PROVENANCE_KINDS = ['reference', 'demo', 'user', 'run', 'import'] as const;
export type ProvenanceKind = (typeof PROVENANCE_KINDS)[number];

/**
 * One tidy row per (indicator, territory, period, dimension set). Rates keep numerator and denominator so that larger
 * territories recompute them. Foreign keys are enforced by the bulk store's validation rather than by the database,
 * so that a million-row load stays one multi-row statement per batch.
 */
@Entity({ name: 'observation' })
@Unique('uq_observation_key', ['indicatorCode', 'territoryCode', 'period', 'dimensionKey'])
@Index('ix_observation_territory_period', ['territoryCode', 'period'])
export class Observation {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'indicator_code', type: 'varchar', length: 60 })
  indicatorCode!: string;

  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  /** `2021` or `2021-T3`. */
  @Column({ type: 'varchar', length: 10 })
  period!: string;

  @Column({ name: 'dimension_key', type: 'varchar', length: 200, default: '' })
  dimensionKey!: string;

  @Column({ type: 'double precision', nullable: true })
  value!: number | null;

  @Column({ type: 'double precision', nullable: true })
  numerator!: number | null;

  @Column({ type: 'double precision', nullable: true })
  denominator!: number | null;

  @Column({ type: 'varchar', length: 12 })
  status!: ObservationStatus;

  @Column({ name: 'provenance_kind', type: 'varchar', length: 12 })
  provenanceKind!: ProvenanceKind;

  /** Identifies the run, user, import or document: enough to trace a printed figure back to where it came from. */
  @Column({ name: 'provenance_ref', type: 'varchar', length: 200 })
  provenanceRef!: string;

  /** Human citation of the source (document and page, file name, API). */
  @Column({ name: 'source_label', type: 'varchar', length: 500, nullable: true })
  sourceLabel!: string | null;

  /** Set when a printed figure looks wrong: the value is kept as published and the note says why it is doubtful. */
  @Column({ type: 'boolean', default: false })
  doubtful!: boolean;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'is_demo', type: 'boolean', default: false })
  isDemo!: boolean;

  /** ISO 8601 instant, kept as text so that bulk writes need no driver-specific date handling. */
  @Column({ name: 'recorded_at', type: 'varchar', length: 30 })
  recordedAt!: string;

  @Column({ name: 'validated_by', type: 'varchar', length: 120, nullable: true })
  validatedBy!: string | null;

  @Column({ name: 'validated_at', type: 'varchar', length: 30, nullable: true })
  validatedAt!: string | null;
}
