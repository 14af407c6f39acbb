import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { AppConfig, DatabaseConfig, loadConfig } from '@cap-iae/config';
import { Observation, ObservationInput, ObservationStore } from '@cap-iae/indicators';
import { runInContext } from '@cap-iae/shared';
import { createApp } from '../../apps/server/src/create-app';
import { DashboardController } from '../../apps/server/src/dashboard/dashboard.controller';

// autocannon ships no types; only what is used here is described.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  headers?: Record<string, string>;
}) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}>;

/** The page the COR-IAE opens first, for the strategy and year the targets speak of. */
export const REGIONAL_PAGE = '/?strategie=IDF-2021-2022&annee=2021';

export interface RouteFigures {
  label: string;
  path: string;
  requestsPerSecond: number;
  requests: number;
  errors: number;
  clientP50: number;
  clientP975: number;
  serverP50: number;
  serverP95: number;
}

export interface DashboardBenchResult {
  database: 'sqlite' | 'postgresql';
  demoRows: number;
  rows: number;
  factor: number;
  loadSeconds: number;
  connections: number;
  duration: number;
  /** The regional page computed from scratch (cache emptied before each request), sequential. */
  cold: { p50: number; p95: number; max: number; samples: number };
  routes: RouteFigures[];
}

/** Years 1980-2014 before the demo's 2015-2022, and the quarters of 2012-2022: 8 periods become 87. */
const HISTORY_YEARS = Array.from({ length: 35 }, (_, i) => 1980 + i);
const QUARTER_YEARS = Array.from({ length: 11 }, (_, i) => 2012 + i);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * « 10× the demo »: the same indicators, territories and breakdowns as the demo, on about ten times its periods — a
 * long annual history (1980-2014, each year a damped copy of 2015) and quarterly values (2012-T1 to 2022-T4, a quarter
 * of the year's counts, the year's rates). What grows is what a dashboard reads: every series the pages draw gets
 * longer, and every query on an indicator and its territories scans ten times as many rows of the index.
 */
export function tenfold(rows: Observation[], ratios: Set<string>): ObservationInput[] {
  const out: ObservationInput[] = [];
  const base = (r: Observation, value: number | null, scale: number): ObservationInput => {
    const dims = r.dimensionKey
      ? Object.fromEntries(r.dimensionKey.split(';').map((kv) => kv.split('=') as [string, string]))
      : undefined;
    const ratio = ratios.has(r.indicatorCode) && r.numerator !== null && r.denominator !== null;
    return {
      indicator: r.indicatorCode,
      territory: r.territoryCode,
      period: '',
      dimensions: dims,
      ...(ratio
        ? { numerator: round(r.numerator! * scale), denominator: round(r.denominator! * scale) }
        : { value: value === null ? null : round(value * scale) }),
      status: 'validated',
      sourceLabel: 'Banc d’essai : série de démonstration prolongée',
    };
  };
  for (const r of rows) {
    if (r.period === '2015')
      for (const y of HISTORY_YEARS)
        out.push({ ...base(r, r.value, Math.pow(0.98, 2015 - y)), period: String(y) });
  }
  for (const y of QUARTER_YEARS) {
    // 2012-2014 have no demo year of their own: their quarters copy 2015's.
    for (const r of rows.filter((x) => x.period === String(Math.max(2015, y)))) {
      // Counts spread over the quarters; rates, shares and averages hold for each quarter.
      const scale = ratios.has(r.indicatorCode) ? 1 : 0.25;
      for (let q = 1; q <= 4; q++) out.push({ ...base(r, r.value, scale), period: `${y}-T${q}` });
    }
  }
  return out;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

export async function benchDashboard(
  kind: 'sqlite' | 'postgresql',
  database: DatabaseConfig,
  options: { duration: number; connections: number },
): Promise<DashboardBenchResult> {
  // As deployed (docs/operations.md): NODE_ENV=production, under which Express keeps compiled templates in memory.
  process.env.NODE_ENV = 'production';
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'error' }),
    database,
    demo: true,
  };
  const app = await createApp(config, { demo: true });
  // Server time of each request: from Express receiving it to the last byte handed to the socket.
  const timings = new Map<string, number[]>();
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const list = timings.get(req.originalUrl) ?? [];
      list.push(Number(process.hrtime.bigint() - started) / 1e6);
      timings.set(req.originalUrl, list);
    });
    next();
  });
  await app.init();
  try {
    const ds = app.get(DataSource);
    const demoRows = Number((await ds.query('SELECT COUNT(*) AS n FROM observation'))[0].n);
    const ratios = new Set<string>(
      (await ds.query("SELECT code FROM indicator WHERE aggregation = 'ratio'")).map(
        (r: { code: string }) => r.code,
      ),
    );
    const demo = await ds
      .getRepository(Observation)
      .createQueryBuilder('o')
      .where("o.provenanceKind = 'demo'")
      .getMany();
    const started = process.hrtime.bigint();
    const records = tenfold(demo, ratios);
    const store = app.get(ObservationStore);
    await runInContext({ actor: 'banc d’essai', channel: 'system' }, async () => {
      for (let i = 0; i < records.length; i += 50_000)
        await store.upsert(records.slice(i, i + 50_000), { kind: 'demo', ref: 'bench-10x', isDemo: true });
    });
    const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rows = Number((await ds.query('SELECT COUNT(*) AS n FROM observation'))[0].n);

    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const origin = `http://127.0.0.1:${port}`;
    const get = async (p: string) => {
      const res = await fetch(`${origin}${p}`, { headers: { Accept: 'text/html' } });
      if (res.status !== 200) throw new Error(`${p} : ${res.status}`);
      await res.text();
    };

    // Cold: the page computed from scratch each time, as after every write.
    const cache = app.get(DashboardController).data.cache;
    timings.clear();
    for (let i = 0; i < 20; i++) {
      cache.invalidate();
      await get(REGIONAL_PAGE);
    }
    const cold = [...(timings.get(REGIONAL_PAGE) ?? [])].sort((a, b) => a - b);

    const routes: RouteFigures[] = [];
    const targets: [string, string][] = [
      ['Accueil régional (IDF-2021-2022, 2021)', REGIONAL_PAGE],
      ['Axe 3 (IDF-2021-2022, 2021)', '/axes/IDF-2021-2022/3?annee=2021'],
      ['Indicateur SAL_INSERTION_NB, départements', '/indicateurs/SAL_INSERTION_NB?series=departements'],
      ['Département 93', '/departements/93?strategie=IDF-2021-2022&annee=2021'],
      ['Route nue /api/health (référence)', '/api/health'],
    ];
    for (const [label, p] of targets) {
      await get(p); // the first request fills the cache: the run measures the pages as people get them
      timings.clear();
      const result = await autocannon({
        url: `${origin}${p}`,
        connections: options.connections,
        duration: options.duration,
        workers: 1,
        headers: { accept: 'text/html' },
      });
      const server = [...(timings.get(p) ?? [])].sort((a, b) => a - b);
      routes.push({
        label,
        path: p,
        requestsPerSecond: result.requests.average,
        requests: result.requests.total,
        errors: result.errors + result.non2xx,
        clientP50: result.latency.p50,
        clientP975: result.latency.p97_5,
        serverP50: percentile(server, 50),
        serverP95: percentile(server, 95),
      });
    }
    return {
      database: kind,
      demoRows,
      rows,
      factor: rows / demoRows,
      loadSeconds,
      connections: options.connections,
      duration: options.duration,
      cold: {
        p50: percentile(cold, 50),
        p95: percentile(cold, 95),
        max: cold[cold.length - 1] ?? 0,
        samples: cold.length,
      },
      routes,
    };
  } finally {
    await app.close();
  }
}

export function tempSqliteFile(): { config: DatabaseConfig; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-bench-dashboard-'));
  return {
    config: { kind: 'sqlite', path: path.join(dir, 'bench.sqlite') },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
