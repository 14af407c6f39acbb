import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppConfig, DatabaseConfig, loadConfig } from '@cap-iae/config';
import { Bootstrapper, CoreModule } from '@cap-iae/core';
import { SourcesService } from '@cap-iae/plugin-host';
import { repoPath, runInContext } from '@cap-iae/shared';
import { spawn } from 'node:child_process';
import { sampleProcess } from './process-memory';

export interface CsvBenchResult {
  rows: number;
  fileMb: number;
  /** The run, as the host logs it. */
  seconds: number;
  /** The whole command, Node's start and the database's opening included. */
  commandSeconds: number;
  rowsPerSecond: number;
  commandRowsPerSecond: number;
  /** Peak resident size of the command's process (sampled, and the kernel's high-water mark). */
  peakRssMb: number;
  /** Resident size at the first sample, for reference. */
  startRssMb: number;
  samples: number;
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
  let closed = false;
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
    await ctx.close();
    closed = true;
    return await importWithCli(file, source.id, database.path, rows);
  } finally {
    if (!closed) await ctx.close();
    if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The import as a user runs it: `cap-iae import` from the compiled build, in a process of its own, sampled from this
 * one (a sampler inside would stop whenever a synchronous SQLite statement holds the event loop). The run's duration
 * is the host's (from the file opened to the last value merged); the command's is the whole process, start included.
 */
async function importWithCli(
  file: string,
  sourceId: number,
  databasePath: string,
  rows: number,
): Promise<CsvBenchResult> {
  const t0 = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [
      // To profile the command: BENCH_NODE_ARGS=--cpu-prof npm run bench -- --only=csv
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      repoPath('apps', 'cli', 'bin', 'cap-iae.js'),
      'import',
      file,
      '--source',
      String(sourceId),
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        CAP_IAE_DEMO: 'false',
        LOG_LEVEL: 'error',
        DATABASE_PATH: databasePath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const memory = sampleProcess(child.pid!, 20, Boolean(process.env.BENCH_TRACE));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const commandSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const sampled = memory.stop();
  if (code !== 0) throw new Error(`cap-iae import a échoué (code ${code}) :\n${output}`);
  const m =
    /(\d+) ligne\(s\) lue\(s\), (\d+) acceptée\(s\), (\d+) rejetée\(s\), (\d+) valeur\(s\) créée\(s\) ou modifiée\(s\) en ([\d,]+) s/.exec(
      output,
    );
  if (!m) throw new Error(`compte rendu de cap-iae import illisible :\n${output}`);
  const seconds = Number(m[5].replace(',', '.'));
  return {
    rows,
    fileMb: fs.statSync(file).size / 2 ** 20,
    seconds,
    commandSeconds,
    rowsPerSecond: rows / seconds,
    commandRowsPerSecond: rows / commandSeconds,
    peakRssMb: sampled.peakMb,
    startRssMb: sampled.firstMb,
    samples: sampled.samples,
    rejected: Number(m[3]),
    written: Number(m[4]),
  };
}
