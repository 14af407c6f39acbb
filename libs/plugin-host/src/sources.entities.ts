import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SOURCE_STATUSES = ['never_run', 'ok', 'degraded', 'disabled'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];
export const SOURCE_STATUS_LABELS: Record<SourceStatus, string> = {
  never_run: 'jamais exécutée',
  ok: 'à jour',
  degraded: 'dégradée',
  disabled: 'désactivée',
};

/** A configured instance of a plugin: what to fetch, how to map it, when, and who owns it. */
@Entity({ name: 'source' })
export class Source {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'plugin_id', type: 'varchar', length: 60 })
  pluginId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** JSON, validated against the plugin's schema. Secrets are referenced by name only. */
  @Column({ type: 'text' })
  config!: string;

  /** Territory whose data this source writes: the permission scope of whoever manages it. */
  @Column({ name: 'territory_code', type: 'varchar', length: 20 })
  territoryCode!: string;

  /** `strict`: one bad row and nothing is written; `accept_valid`: valid rows are written, the others reported. */
  @Column({ type: 'varchar', length: 20 })
  mode!: 'strict' | 'accept_valid';

  @Column({ type: 'varchar', length: 60, nullable: true })
  schedule!: string | null;

  @Column({ type: 'varchar', length: 20 })
  status!: SourceStatus;

  @Column({ name: 'owner_login', type: 'varchar', length: 120 })
  ownerLogin!: string;

  /** For plugins that read values: the indicators whose change triggers a recomputation. JSON list. */
  @Column({ name: 'input_indicators', type: 'text', nullable: true })
  inputIndicators!: string | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ name: 'next_run_at', type: 'varchar', length: 30, nullable: true })
  nextRunAt!: string | null;

  /** Held while a run is under way, so that two app instances never run the same source together. */
  @Column({ name: 'lease_until', type: 'varchar', length: 30, nullable: true })
  leaseUntil!: string | null;

  @Column({ name: 'last_run_at', type: 'varchar', length: 30, nullable: true })
  lastRunAt!: string | null;

  @Column({ name: 'last_success_at', type: 'varchar', length: 30, nullable: true })
  lastSuccessAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;
}

export const RUN_STATUSES = ['running', 'success', 'partial', 'failed', 'preview'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  running: 'en cours',
  success: 'réussie',
  partial: 'partielle (lignes rejetées)',
  failed: 'échouée',
  preview: 'aperçu (rien écrit)',
};

@Entity({ name: 'source_run' })
@Index('ix_source_run_source', ['sourceId', 'startedAt'])
export class SourceRun {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'source_id', type: 'integer' })
  sourceId!: number;

  /** `schedule`, `user`, `cli`, `api`, `recompute`, `retry`. */
  @Column({ type: 'varchar', length: 20 })
  trigger!: string;

  @Column({ name: 'triggered_by', type: 'varchar', length: 120 })
  triggeredBy!: string;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  @Column({ name: 'finished_at', type: 'varchar', length: 30, nullable: true })
  finishedAt!: string | null;

  @Column({ type: 'varchar', length: 12 })
  status!: RunStatus;

  @Column({ name: 'rows_read', type: 'integer', default: 0 })
  rowsRead!: number;

  @Column({ name: 'rows_accepted', type: 'integer', default: 0 })
  rowsAccepted!: number;

  @Column({ name: 'rows_rejected', type: 'integer', default: 0 })
  rowsRejected!: number;

  @Column({ name: 'rows_written', type: 'integer', default: 0 })
  rowsWritten!: number;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 40, nullable: true })
  errorCode!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  /** File name for uploads; shown in the history. */
  @Column({ name: 'input_name', type: 'varchar', length: 300, nullable: true })
  inputName!: string | null;
}

@Entity({ name: 'run_rejection' })
@Index('ix_run_rejection_run', ['runId', 'line'])
export class RunRejection {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'run_id', type: 'integer' })
  runId!: number;

  @Column({ type: 'integer', nullable: true })
  line!: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  field!: string | null;

  @Column({ type: 'text' })
  reason!: string;
}

export const PLUGIN_HOST_ENTITIES = [Source, SourceRun, RunRejection];
