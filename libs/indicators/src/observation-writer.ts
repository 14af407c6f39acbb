import type { DataSource, QueryRunner } from 'typeorm';
import type { NormalisedObservation, Provenance } from './observation-input';

/** Columns in insertion order; the writer and the benchmark's raw baseline share this list. */
export const OBSERVATION_COLUMNS = [
  'indicator_code',
  'territory_code',
  'period',
  'dimension_key',
  'value',
  'numerator',
  'denominator',
  'status',
  'provenance_kind',
  'provenance_ref',
  'source_label',
  'doubtful',
  'note',
  'is_demo',
  'recorded_at',
  'validated_by',
  'validated_at',
] as const;

const KEY = 'indicator_code, territory_code, period, dimension_key';
/** Only a change of content rewrites a row, so importing the same data twice changes nothing (not even timestamps). */
const CONTENT = ['value', 'numerator', 'denominator', 'source_label', 'doubtful', 'note'] as const;
const UPDATED = [
  ...CONTENT,
  'status',
  'provenance_kind',
  'provenance_ref',
  'is_demo',
  'recorded_at',
  'validated_by',
  'validated_at',
] as const;

export function conflictClause(mode: 'update' | 'skip', distinct: (c: string) => string): string {
  if (mode === 'skip') return `ON CONFLICT (${KEY}) DO NOTHING`;
  const set = UPDATED.map((c) => `${c} = excluded.${c}`).join(', ');
  const changed = CONTENT.map(distinct).join(' OR ');
  return `ON CONFLICT (${KEY}) DO UPDATE SET ${set} WHERE ${changed}`;
}

/**
 * Appends one row's column values to a statement's parameters, in OBSERVATION_COLUMNS order. Pushing in place rather
 * than building an array per row matters at a million rows: less garbage, a steadier memory.
 */
export function pushTuple(
  target: unknown[],
  row: NormalisedObservation,
  p: Provenance,
  now: string,
  bool: (b: boolean) => number | boolean,
): void {
  // A value written as validated (a published reference figure) is validated by whoever wrote it.
  const validated = row.status === 'validated';
  target.push(
    row.indicatorCode,
    row.territoryCode,
    row.period,
    row.dimensionKey,
    row.value,
    row.numerator,
    row.denominator,
    row.status,
    p.kind,
    p.ref,
    row.sourceLabel,
    bool(row.doubtful),
    row.note,
    bool(p.isDemo ?? false),
    now,
    validated ? p.ref : null,
    validated ? now : null,
  );
}

export interface SqliteStatement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
  readonly inTransaction: boolean;
}

export const SQLITE_BATCH = 500;

/**
 * The raw SQLite connection, once no TypeORM transaction is open on it: that connection is shared, and a transaction
 * may be open between two of TypeORM's awaits. Synchronous work done right after cannot interleave with anything.
 */
export async function idleSqlite(dataSource: DataSource): Promise<SqliteDatabase> {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  while (db.inTransaction) await new Promise((resolve) => setImmediate(resolve));
  return db;
}
export const POSTGRES_BATCH = 5000;

const statements = new WeakMap<SqliteDatabase, Map<string, SqliteStatement>>();

/**
 * A statement prepared once per connection. A 500-row INSERT is a large compiled program: a million-row import
 * prepared it 2 000 times and left the discarded copies (native memory behind small JavaScript handles) to the
 * garbage collector.
 */
export function preparedOnce(db: SqliteDatabase, sql: string): SqliteStatement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, SqliteStatement>()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}

/**
 * SQLite: one prepared multi-row statement reused for every full batch, all inside one synchronous transaction. Being
 * synchronous, nothing else can run on the single connection meanwhile, which is what makes it all-or-nothing
 * (ADR 003 explains the trade-off: a very large load blocks the event loop for its few seconds).
 */
export async function writeSqlite(
  dataSource: DataSource,
  rows: readonly NormalisedObservation[],
  provenance: Provenance,
  mode: 'update' | 'skip',
): Promise<number> {
  const db = await idleSqlite(dataSource);
  const now = new Date().toISOString();
  const placeholders = (n: number) =>
    Array.from({ length: n }, () => `(${OBSERVATION_COLUMNS.map(() => '?').join(',')})`).join(',');
  const sql = (n: number) =>
    `INSERT INTO observation (${OBSERVATION_COLUMNS.join(',')}) VALUES ${placeholders(n)} ${conflictClause(mode, (c) => `observation.${c} IS NOT excluded.${c}`)}`;
  const full = rows.length >= SQLITE_BATCH ? preparedOnce(db, sql(SQLITE_BATCH)) : undefined;
  const bool = (b: boolean) => (b ? 1 : 0);
  return db.transaction(() => {
    let changes = 0;
    const params: unknown[] = [];
    let i = 0;
    for (; full && i + SQLITE_BATCH <= rows.length; i += SQLITE_BATCH) {
      params.length = 0;
      for (let j = i; j < i + SQLITE_BATCH; j++) pushTuple(params, rows[j], provenance, now, bool);
      changes += full.run(...params).changes;
    }
    if (i < rows.length) {
      params.length = 0;
      for (let j = i; j < rows.length; j++) pushTuple(params, rows[j], provenance, now, bool);
      changes += db.prepare(sql(rows.length - i)).run(...params).changes;
    }
    return changes;
  })();
}

export const PG_TYPES: Record<(typeof OBSERVATION_COLUMNS)[number], string> = {
  indicator_code: 'varchar',
  territory_code: 'varchar',
  period: 'varchar',
  dimension_key: 'varchar',
  value: 'double precision',
  numerator: 'double precision',
  denominator: 'double precision',
  status: 'varchar',
  provenance_kind: 'varchar',
  provenance_ref: 'varchar',
  source_label: 'varchar',
  doubtful: 'boolean',
  note: 'text',
  is_demo: 'boolean',
  recorded_at: 'varchar',
  validated_by: 'varchar',
  validated_at: 'varchar',
};

/**
 * PostgreSQL: each batch is sent as one array per column and expanded with unnest, so a batch costs one statement
 * with 15 parameters whatever its size, inside one transaction for the whole write.
 */
export async function writePostgres(
  dataSource: DataSource,
  rows: readonly NormalisedObservation[],
  provenance: Provenance,
  mode: 'update' | 'skip',
  existingRunner?: QueryRunner,
): Promise<number> {
  const runner = existingRunner ?? dataSource.createQueryRunner();
  const own = !existingRunner;
  const now = new Date().toISOString();
  const sql = `INSERT INTO observation (${OBSERVATION_COLUMNS.join(',')})
    SELECT * FROM unnest(${OBSERVATION_COLUMNS.map((c, k) => `$${k + 1}::${PG_TYPES[c]}[]`).join(', ')})
    ${conflictClause(mode, (c) => `observation.${c} IS DISTINCT FROM excluded.${c}`)}`;
  try {
    if (own) {
      await runner.connect();
      await runner.startTransaction();
    }
    let changes = 0;
    for (let i = 0; i < rows.length; i += POSTGRES_BATCH) {
      const columns: unknown[][] = OBSERVATION_COLUMNS.map(() => []);
      for (let j = i; j < Math.min(i + POSTGRES_BATCH, rows.length); j++) {
        const values: unknown[] = [];
        pushTuple(values, rows[j], provenance, now, (b) => b);
        values.forEach((v, k) => columns[k].push(v));
      }
      // TypeORM's postgres runner returns [rows, affected] when asked for the structured result.
      const result = (await runner.query(sql, columns, true)) as { affected?: number };
      changes += result.affected ?? 0;
    }
    if (own) await runner.commitTransaction();
    return changes;
  } catch (error) {
    if (own && runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    if (own) await runner.release();
  }
}
