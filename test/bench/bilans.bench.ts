import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppConfig, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { BilanBatch, BilanGenerator, BilanRequest, ChromiumPool } from '@cap-iae/reporting';
import { runInContext } from '@cap-iae/shared';

/**
 * Bilans PDF on the demo data: the bilan CDIAE of the Seine-Saint-Denis, the bilan COR-IAE of Île-de-France and the
 * nine bilans of 2021, with the pooled browser kept warm (as the server and `cap-iae bilan --all` run them), against
 * the same work launching a fresh Chromium for each bilan, in the same process and run. Resident memory of the Node
 * process and of Chromium's process tree is sampled every 50 ms (PSS every second).
 */
export interface StageTimes {
  dataMs: number;
  chartsMs: number;
  pdfMs: number;
  totalMs: number;
}

export interface BilansBenchResult {
  cdiae: { warm: StageTimes; fresh: StageTimes; pages: number };
  corIae: { warm: StageTimes; fresh: StageTimes; pages: number };
  year: { warmMs: number; freshMs: number; bilans: number };
  peak: { nodeRssMb: number; chromiumRssMb: number; chromiumPssMb: number; chromiumProcesses: number };
  runs: number;
}

const STRATEGY = 'IDF-2021-2022';
const YEAR = 2021;
const RUNS = Number(process.env.BENCH_BILAN_RUNS ?? 3);

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Resident memory of a process and every process below it, from /proc (kB → MB): the sum of RSS counts the pages
 * Chromium's processes share once per process; PSS splits them between the processes that share them.
 */
function treeRss(rootPid: number, withPss: boolean): { mb: number; pssMb: number; processes: number } {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  let kb = 0;
  let pssKb = 0;
  let processes = 0;
  const visit = (pid: number) => {
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (rss) {
        kb += Number(rss[1]);
        processes += 1;
      }
      // smaps_rollup walks the process' mappings under its memory lock: read it rarely, not to slow Chromium.
      const pss = withPss
        ? /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
        : null;
      if (pss) pssKb += Number(pss[1]);
    } catch {
      return;
    }
    for (const c of children.get(pid) ?? []) visit(c);
  };
  visit(rootPid);
  return { mb: kb / 1024, pssMb: pssKb / 1024, processes };
}

export async function benchBilans(): Promise<BilansBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-bench-bilans-'));
  const base = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error' });
  const config: AppConfig = {
    ...base,
    database: { kind: 'sqlite', path: path.join(dir, 'bench.sqlite') },
    demo: true,
    reporting: { ...base.reporting, bilansDir: path.join(dir, 'bilans') },
  };
  const ctx = await NestFactory.createApplicationContext(CoreModule.forRoot(config), { logger: ['error'] });
  const peak = { nodeRssMb: 0, chromiumRssMb: 0, chromiumPssMb: 0, chromiumProcesses: 0 };
  let sampling = false;
  let ticks = 0;
  let pools: ChromiumPool[] = [];
  const sampler = setInterval(() => {
    if (!sampling) return;
    peak.nodeRssMb = Math.max(peak.nodeRssMb, process.memoryUsage().rss / 2 ** 20);
    let mb = 0;
    let pss = 0;
    let n = 0;
    const withPss = ticks++ % 20 === 0;
    for (const pool of pools) {
      const pid = pool.browserPid();
      if (pid === null) continue;
      const t = treeRss(pid, withPss);
      mb += t.mb;
      pss += t.pssMb;
      n += t.processes;
    }
    peak.chromiumPssMb = Math.max(peak.chromiumPssMb, pss);
    if (mb > peak.chromiumRssMb) {
      peak.chromiumRssMb = mb;
      peak.chromiumProcesses = n;
    }
  }, 50);
  try {
    await ctx.get(Bootstrapper).prepare({ demo: true });
    const generator = ctx.get(BilanGenerator);
    pools = [generator.pool];

    /**
     * One bilan through the generator's own path, stage by stage (from its progress reports), its PDF made by the
     * warm pool or by a browser launched for it and closed afterwards.
     */
    const bilan = async (
      request: BilanRequest,
      fresh: boolean,
      batch?: BilanBatch,
    ): Promise<StageTimes & { pages: number }> => {
      const pool = fresh
        ? new ChromiumPool({ executablePath: config.reporting.chromiumPath, size: 1 })
        : generator.pool;
      if (fresh) pools.push(pool);
      const t0 = performance.now();
      let charts = 0;
      let pdf = 0;
      try {
        const rendered = await generator.render(request, {
          batch,
          pool,
          // Data end when the first chart is reported; charts end with the last one (the PDF stage then starts,
          // browser launch included when there is one to launch).
          onProgress: (p) => {
            if (!p.step.startsWith('graphiques')) return;
            if (!charts) charts = performance.now();
            pdf = performance.now();
          },
        });
        const t3 = performance.now();
        return {
          dataMs: charts - t0,
          chartsMs: pdf - charts,
          pdfMs: t3 - pdf,
          totalMs: t3 - t0,
          pages: rendered.pageCount,
        };
      } finally {
        if (fresh) {
          await pool.close();
          pools = pools.filter((p) => p !== pool);
        }
      }
    };
    const medianOf = async (request: BilanRequest, fresh: boolean) => {
      const runs: (StageTimes & { pages: number })[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await bilan(request, fresh));
      return {
        times: {
          dataMs: median(runs.map((r) => r.dataMs)),
          chartsMs: median(runs.map((r) => r.chartsMs)),
          pdfMs: median(runs.map((r) => r.pdfMs)),
          totalMs: median(runs.map((r) => r.totalMs)),
        },
        pages: runs[0].pages,
      };
    };

    const cdiae: BilanRequest = { kind: 'cdiae', territory: 'DEP-93', strategy: STRATEGY, year: YEAR };
    const corIae: BilanRequest = { kind: 'cor-iae', territory: 'REG-11', strategy: STRATEGY, year: YEAR };
    // Warm-up: the browser is launched and every code path run once, as after the first bilan of a server's life.
    await bilan(cdiae, false);
    await bilan(corIae, false);
    global.gc?.();
    sampling = true;
    const warmCdiae = await medianOf(cdiae, false);
    const warmCor = await medianOf(corIae, false);
    const year: BilanRequest[] = [
      corIae,
      ...['75', '77', '78', '91', '92', '93', '94', '95'].map((d) => ({ ...cdiae, territory: `DEP-${d}` })),
    ];
    // The nine bilans as `cap-iae bilan --all` makes them: archived, through the pool, sharing their reads.
    const warmYears: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const made = await runInContext({ actor: 'banc', channel: 'system' }, () =>
        generator.generateBatch(year, 'banc d’essai'),
      );
      warmYears.push(performance.now() - start);
      const failed = made.filter((m) => m.error);
      if (failed.length)
        throw new Error(`bilans en échec : ${failed.map((m) => m.error?.message).join(' ; ')}`);
    }
    const warmYear = median(warmYears);
    sampling = false;

    const freshCdiae = await medianOf(cdiae, true);
    const freshCor = await medianOf(corIae, true);
    const freshYears: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      // Same concurrency and shared reads as the warm run, each bilan with its own browser.
      const queue = [...year];
      const batch = new BilanBatch();
      await Promise.all(
        [0, 1, 2].map(async () => {
          for (let r = queue.shift(); r; r = queue.shift()) await bilan(r, true, batch);
        }),
      );
      freshYears.push(performance.now() - start);
    }
    const freshYear = median(freshYears);

    return {
      cdiae: { warm: warmCdiae.times, fresh: freshCdiae.times, pages: warmCdiae.pages },
      corIae: { warm: warmCor.times, fresh: freshCor.times, pages: warmCor.pages },
      year: { warmMs: warmYear, freshMs: freshYear, bilans: year.length },
      peak,
      runs: RUNS,
    };
  } finally {
    clearInterval(sampler);
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
