import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, DatabaseConfig, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import {
  NormalisedObservation,
  OBSERVATION_COLUMNS,
  ObservationInput,
  ObservationStore,
  SQLITE_BATCH,
} from '@cap-iae/indicators';
import { DimensionSet } from '@cap-iae/shared';

export interface StoreBenchResult {
  database: 'sqlite' | 'postgresql';
  rows: number;
  storeSeconds: number;
  storeRowsPerSecond: number;
  rawSeconds?: number;
  rawRowsPerSecond?: number;
  ratio?: number;
  rewriteSeconds: number;
  rewriteWritten: number;
}

const TYPES = ['ACI', 'AI', 'EI', 'ETTI', 'EITI'];

/** A million distinct keys: count indicators × every territory × years and quarters × total and the five SIAE types. */
export function benchRecords(count: number, territories: string[]): ObservationInput[] {
  const indicators = ['SIAE_NB', 'SAL_INSERTION_NB', 'ETP_INSERTION', 'ENTREES_NB', 'SORTIES_NB'];
  const periods: string[] = [];
  for (let y = 1980; y <= 2100; y++) periods.push(String(y), `${y}-T1`, `${y}-T2`, `${y}-T3`, `${y}-T4`);
  const dims: (DimensionSet | undefined)[] = [undefined, ...TYPES.map((t) => ({ siae_type: t }))];
  const out: ObservationInput[] = [];
  for (const indicator of indicators)
    for (const territory of territories)
      for (const period of periods)
        for (const dimensions of dims) {
          if (out.length === count) return out;
          out.push({
            indicator,
            territory,
            period,
            dimensions,
            value: (out.length % 997) + 1,
            status: 'provisional',
          });
        }
  return out;
}

async function context(database: DatabaseConfig) {
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error' }),
    database,
    demo: false,
  };
  const ctx = await NestFactory.createApplicationContext(CoreModule.forRoot(config), { logger: ['error'] });
  await ctx.get(Bootstrapper).prepare({ demo: false });
  return ctx;
}

/** The baseline: the same normalised rows sent with one prepared multi-row INSERT, no validation, no upsert. */
function rawSqliteInsert(ds: DataSource, rows: NormalisedObservation[]): number {
  const db = (ds.driver as unknown as { databaseConnection: import('better-sqlite3').Database })
    .databaseConnection;
  db.exec('DELETE FROM observation');
  const tuple = `(${OBSERVATION_COLUMNS.map(() => '?').join(',')})`;
  const stmt = db.prepare(
    `INSERT INTO observation (${OBSERVATION_COLUMNS.join(',')}) VALUES ${Array(SQLITE_BATCH).fill(tuple).join(',')}`,
  );
  const now = new Date().toISOString();
  const started = process.hrtime.bigint();
  db.transaction(() => {
    const params: unknown[] = [];
    for (let i = 0; i + SQLITE_BATCH <= rows.length; i += SQLITE_BATCH) {
      params.length = 0;
      for (let j = i; j < i + SQLITE_BATCH; j++) {
        const r = rows[j];
        params.push(
          r.indicatorCode,
          r.territoryCode,
          r.period,
          r.dimensionKey,
          r.value,
          r.numerator,
          r.denominator,
          r.status,
          'run',
          'bench',
          r.sourceLabel,
          0,
          r.note,
          0,
          now,
          null,
          null,
        );
      }
      stmt.run(...params);
    }
  })();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function benchStore(
  kind: 'sqlite' | 'postgresql',
  rows: number,
  database: DatabaseConfig,
): Promise<StoreBenchResult> {
  const ctx = await context(database);
  try {
    const ds = ctx.get(DataSource);
    const store = ctx.get(ObservationStore);
    const territories: { code: string }[] = await ds.query(
      "SELECT code FROM territory WHERE level <> 'country' ORDER BY code",
    );
    const records = benchRecords(
      rows,
      territories.map((t) => t.code),
    );
    if (records.length !== rows) throw new Error(`seulement ${records.length} clés distinctes`);
    await ds.query("DELETE FROM observation WHERE provenance_kind <> 'reference'");

    const t0 = process.hrtime.bigint();
    const result = await store.upsert(records, { kind: 'run', ref: 'bench' });
    const storeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.written !== rows) throw new Error(`${result.written} lignes écrites au lieu de ${rows}`);

    const t1 = process.hrtime.bigint();
    const again = await store.upsert(records, { kind: 'run', ref: 'bench-2' });
    const rewriteSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

    const out: StoreBenchResult = {
      database: kind,
      rows,
      storeSeconds,
      storeRowsPerSecond: rows / storeSeconds,
      rewriteSeconds,
      rewriteWritten: again.written,
    };
    if (kind === 'sqlite') {
      const normalised = (await store.validator()).validateOrThrow(records);
      const rawSeconds = rawSqliteInsert(ds, normalised);
      out.rawSeconds = rawSeconds;
      out.rawRowsPerSecond = rows / rawSeconds;
      out.ratio = out.storeRowsPerSecond / out.rawRowsPerSecond;
    }
    return out;
  } finally {
    await ctx.close();
  }
}

export function tempSqlite(): { config: DatabaseConfig; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-bench-'));
  return {
    config: { kind: 'sqlite', path: path.join(dir, 'bench.sqlite') },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
