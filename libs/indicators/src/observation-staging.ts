import type { DataSource } from 'typeorm';
import { isPostgres } from '@cap-iae/database';
import type { NormalisedObservation, Provenance } from './observation-input';
import {
  conflictClause,
  idleSqlite,
  OBSERVATION_COLUMNS,
  PG_TYPES,
  preparedOnce,
  POSTGRES_BATCH,
  pushTuple,
  SQLITE_BATCH,
} from './observation-writer';

/**
 * Large imports go through a staging table: each checked batch is appended as it arrives (memory stays bounded),
 * and only once the whole input is read and accepted do the rows enter `observation`, in one statement within one
 * transaction. A rejected or failed import is simply discarded: nothing of it was ever visible.
 */
const STAGING_COLUMNS = ['run_id', 'line', ...OBSERVATION_COLUMNS] as const;
const KEY = 'indicator_code, territory_code, period, dimension_key';

export async function stageRows(
  ds: DataSource,
  runId: number,
  rows: readonly NormalisedObservation[],
  provenance: Provenance,
): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date().toISOString();
  if (isPostgres(ds)) {
    const sql = `INSERT INTO observation_staging (${STAGING_COLUMNS.join(',')})
      SELECT * FROM unnest($1::integer[], $2::integer[], ${OBSERVATION_COLUMNS.map((c, k) => `$${k + 3}::${PG_TYPES[c]}[]`).join(', ')})`;
    for (let i = 0; i < rows.length; i += POSTGRES_BATCH) {
      const columns: unknown[][] = STAGING_COLUMNS.map(() => []);
      for (let j = i; j < Math.min(i + POSTGRES_BATCH, rows.length); j++) {
        const values: unknown[] = [runId, rows[j].line ?? null];
        pushTuple(values, rows[j], provenance, now, (b) => b);
        values.forEach((v, k) => columns[k].push(v));
      }
      await ds.query(sql, columns);
    }
    return;
  }
  const db = await idleSqlite(ds);
  const one = `(${STAGING_COLUMNS.map(() => '?').join(',')})`;
  const sql = (n: number) =>
    `INSERT INTO observation_staging (${STAGING_COLUMNS.join(',')}) VALUES ${Array(n).fill(one).join(',')}`;
  const full = rows.length >= SQLITE_BATCH ? preparedOnce(db, sql(SQLITE_BATCH)) : undefined;
  const bool = (b: boolean) => (b ? 1 : 0);
  db.transaction(() => {
    const params: unknown[] = [];
    let i = 0;
    for (; full && i + SQLITE_BATCH <= rows.length; i += SQLITE_BATCH) {
      params.length = 0;
      for (let j = i; j < i + SQLITE_BATCH; j++) {
        params.push(runId, rows[j].line ?? null);
        pushTuple(params, rows[j], provenance, now, bool);
      }
      full.run(...params);
    }
    if (i < rows.length) {
      params.length = 0;
      for (let j = i; j < rows.length; j++) {
        params.push(runId, rows[j].line ?? null);
        pushTuple(params, rows[j], provenance, now, bool);
      }
      db.prepare(sql(rows.length - i)).run(...params);
    }
  })();
}

export interface StagedDuplicate {
  key: string;
  lines: number[];
}

/** The same natural key twice in one input: ambiguous, reported with the lines that carry it. */
export async function stagedDuplicates(
  ds: DataSource,
  runId: number,
  limit = 1000,
): Promise<StagedDuplicate[]> {
  const p = isPostgres(ds) ? ['$1', '$2'] : ['?', '?'];
  const rows: { k: string; first: number | null; last: number | null; n: string | number }[] = await ds.query(
    `SELECT indicator_code || '|' || territory_code || '|' || period || '|' || dimension_key AS k, MIN(line) AS first, MAX(line) AS last, COUNT(*) AS n
       FROM observation_staging WHERE run_id = ${p[0]} GROUP BY ${KEY} HAVING COUNT(*) > 1 LIMIT ${p[1]}`,
    [runId, limit],
  );
  return rows.map((r) => ({ key: r.k, lines: [r.first, r.last].filter((l): l is number => l !== null) }));
}

/**
 * Moves a run's staged rows into `observation` (the last line wins for a repeated key) and empties its staging.
 * `keysUnique`: the caller checked (`stagedDuplicates`) that no key repeats, so the rows go in as they are, without
 * grouping a million rows to find the last of each key.
 */
export async function mergeStaged(
  ds: DataSource,
  runId: number,
  options: { keysUnique?: boolean } = {},
): Promise<number> {
  const cols = OBSERVATION_COLUMNS.join(', ');
  const p = isPostgres(ds) ? '$1' : '?';
  const which = options.keysUnique
    ? `run_id = ${p}`
    : `id IN (SELECT MAX(id) FROM observation_staging WHERE run_id = ${p} GROUP BY ${KEY})`;
  if (isPostgres(ds)) {
    return ds.transaction(async (em) => {
      // The structured result is the only way TypeORM reports PostgreSQL's row count for an INSERT.
      const result = (await em.queryRunner!.query(
        `INSERT INTO observation (${cols})
           SELECT ${cols} FROM observation_staging WHERE ${which}
           ${conflictClause('update', (c) => `observation.${c} IS DISTINCT FROM excluded.${c}`)}`,
        [runId],
        true,
      )) as { affected?: number };
      await em.query('DELETE FROM observation_staging WHERE run_id = $1', [runId]);
      return result.affected ?? 0;
    });
  }
  const db = await idleSqlite(ds);
  return db.transaction(() => {
    // `AND true` keeps SQLite from reading ON CONFLICT as part of a join.
    const { changes } = db
      .prepare(
        `INSERT INTO observation (${cols})
           SELECT ${cols} FROM observation_staging WHERE ${which} AND true
           ${conflictClause('update', (c) => `observation.${c} IS NOT excluded.${c}`)}`,
      )
      .run(runId);
    // Alone in the staging table (the usual case), the run empties it whole: SQLite then drops its pages at once
    // instead of deleting a million rows and their index entries one by one.
    const span = db
      .prepare('SELECT MIN(run_id) AS low, MAX(run_id) AS high FROM observation_staging')
      .get() as { low: number | null; high: number | null };
    if (span.low === runId && span.high === runId) db.prepare('DELETE FROM observation_staging').run();
    else db.prepare('DELETE FROM observation_staging WHERE run_id = ?').run(runId);
    return changes;
  })();
}

export async function discardStaged(ds: DataSource, runId: number): Promise<void> {
  await ds.query(`DELETE FROM observation_staging WHERE run_id = ${isPostgres(ds) ? '$1' : '?'}`, [runId]);
}
