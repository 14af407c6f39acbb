import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, DatabaseConfig, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { SourceRunner, SourcesService } from '@cap-iae/plugin-host';
import { runInContext } from '@cap-iae/shared';

export interface CsvBenchResult {
  rows: number;
  fileMb: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  baselineRssMb: number;
  rejected: number;
  written: number;
}

const TYPES = ['ACI', 'AI', 'EI', 'ETTI', 'EITI'];

/** A bilan-like CSV as users download it: `;` separator, decimal comma, thousands separated by spaces, UTF-8 BOM. */
export function writeBenchCsv(file: string, rows: number, territories: string[]): void {
  const out = fs.openSync(file, 'w');
  let buffer = '\ufeffIndicateur;Territoire;Période;Type de structure;Valeur\n';
  const indicators = ['SIAE_NB', 'SAL_INSERTION_NB', 'ETP_INSERTION', 'ENTREES_NB', 'SORTIES_NB'];
  let n = 0;
  outer: for (const indicator of indicators)
    for (const territory of territories)
      for (let y = 1980; y <= 2100; y++)
        for (const period of [String(y), `${y}-T1`, `${y}-T2`, `${y}-T3`, `${y}-T4`])
          for (const type of ['', ...TYPES]) {
            if (n === rows) break outer;
            const value = 1000 + (n % 9000) + (n % 10) / 10;
            buffer += `${indicator};${territory};${period};${type};${value.toLocaleString('fr-FR').replace(/\u202f/g, ' ')}\n`;
            n += 1;
            if (buffer.length > 1 << 20) {
              fs.writeSync(out, buffer);
              buffer = '';
            }
          }
  fs.writeSync(out, buffer);
  fs.closeSync(out);
}

export async function benchCsvImport(rows: number): Promise<CsvBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-bench-csv-'));
  const database: DatabaseConfig = { kind: 'sqlite', path: path.join(dir, 'bench.sqlite') };
  const config: AppConfig = {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error' }),
    database,
    demo: false,
  };
  const ctx = await NestFactory.createApplicationContext(CoreModule.forRoot(config), { logger: ['error'] });
  try {
    await ctx.get(Bootstrapper).prepare({ demo: false });
    const ds = ctx.get(SourcesService);
    const codes: { code: string }[] = await ctx
      .get(DataSource)
      .query("SELECT code FROM territory WHERE level <> 'country' ORDER BY code");
    const file = path.join(dir, 'bilans.csv');
    writeBenchCsv(
      file,
      rows,
      codes.map((c) => c.code),
    );
    const source = await runInContext({ actor: 'banc', channel: 'system' }, () =>
      ds.create(
        {
          pluginId: 'fichier',
          name: 'Banc d’essai CSV',
          territory: 'FR',
          mode: 'strict',
          config: {
            indicatorColumn: 'Indicateur',
            territoryColumn: 'Territoire',
            periodColumn: 'Période',
            valueColumn: 'Valeur',
            dimensionColumns: { siae_type: 'Type de structure' },
          },
        },
        'banc',
      ),
    );
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timeline: string[] = [];
    let tick = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      if (process.env.BENCH_TRACE && tick++ % 10 === 0)
        timeline.push(
          `${(m.rss / 2 ** 20).toFixed(0)}/${(m.heapUsed / 2 ** 20).toFixed(0)}/${(m.external / 2 ** 20).toFixed(0)}`,
        );
    }, 50);
    const t0 = process.hrtime.bigint();
    const run = await runInContext({ actor: 'banc', channel: 'system' }, () =>
      ctx.get(SourceRunner).run(source.id, {
        trigger: 'cli',
        triggeredBy: 'banc',
        file: { path: file, originalName: 'bilans.csv' },
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    if (timeline.length)
      process.stderr.write(`rss/heap/external (Mo), toutes les 0,5 s : ${timeline.join(' ')}\n`);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (run.status !== 'success') throw new Error(`import ${run.status} : ${run.errorMessage ?? ''}`);
    return {
      rows,
      fileMb: fs.statSync(file).size / 2 ** 20,
      seconds,
      rowsPerSecond: rows / seconds,
      peakRssMb: peak / 2 ** 20,
      baselineRssMb: baseline / 2 ** 20,
      rejected: run.rowsRejected,
      written: run.rowsWritten,
    };
  } finally {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
