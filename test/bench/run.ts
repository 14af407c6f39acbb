import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { benchStore, StoreBenchResult, tempSqlite } from './observation-store.bench';
import { benchCsvImport } from './csv-import.bench';

const fr = (n: number, d = 0) =>
  new Intl.NumberFormat('fr-FR', { maximumFractionDigits: d, minimumFractionDigits: d }).format(n);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);

async function postgresBench(): Promise<StoreBenchResult | undefined> {
  const base = process.env.DATABASE_URL;
  if (!base) return undefined;
  const name = `capiae_bench_${process.pid}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  try {
    return await benchStore('postgresql', ROWS, { kind: 'postgres', url: url.toString() });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const machine = `${os.cpus().length} cœurs ${os.cpus()[0]?.model ?? ''}, ${fr(os.totalmem() / 2 ** 30)} Gio, Node ${process.version}`;
  process.stdout.write(`Banc d'essai Cap IAE — ${machine}\n\n`);

  // Each benchmark runs in a fresh process (scripts/bench.mjs), so that one's memory does not weigh on the other's.
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  if (only === 'csv') return csvPart(machine);

  const sqlite = tempSqlite();
  let results: StoreBenchResult[];
  try {
    results = [await benchStore('sqlite', ROWS, sqlite.config)];
  } finally {
    sqlite.cleanup();
  }
  const pg = await postgresBench();
  if (pg) results.push(pg);

  const lines = [
    `| base | lignes | magasin (lignes/s) | durée | réécriture identique | insertion brute (lignes/s) | rapport magasin / brut |`,
    `|---|---:|---:|---:|---:|---:|---:|`,
    ...results.map(
      (r) =>
        `| ${r.database} | ${fr(r.rows)} | ${fr(r.storeRowsPerSecond)} | ${fr(r.storeSeconds, 2)} s | ${fr(r.rewriteSeconds, 2)} s (${fr(r.rewriteWritten)} écrites) | ` +
        `${r.rawRowsPerSecond ? fr(r.rawRowsPerSecond) : '—'} | ${r.ratio ? fr(r.ratio, 2) : '—'} |`,
    ),
  ];
  process.stdout.write(
    `Magasin d'observations (validation + upsert par lots, une transaction)\n${lines.join('\n')}\n`,
  );

  const sqliteResult = results[0];
  const verdicts = [
    `SQLite ≥ 100 000 lignes/s : ${sqliteResult.storeRowsPerSecond >= 100_000 ? 'OK' : 'ÉCHEC'} (${fr(sqliteResult.storeRowsPerSecond)})`,
    `rapport au brut ≥ 0,3 : ${(sqliteResult.ratio ?? 0) >= 0.3 ? 'OK' : 'ÉCHEC'} (${fr(sqliteResult.ratio ?? 0, 2)})`,
  ];
  process.stdout.write(`\n${verdicts.join('\n')}\n`);

  const dir = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench-store.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2),
  );
  if (process.argv.includes('--write-docs')) writeDocs('store', machine, lines, verdicts);
}

/** A million-row CSV through the file plugin, the host, validation, staging and the final merge. */
async function csvPart(machine: string): Promise<void> {
  global.gc?.();
  const csv = await benchCsvImport(ROWS);
  const csvLines = [
    `| lignes | fichier | durée | débit (lignes/s) | mémoire de pointe (RSS) | mémoire avant import | rejets | valeurs écrites |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${fr(csv.rows)} | ${fr(csv.fileMb, 1)} Mo | ${fr(csv.seconds, 2)} s | ${fr(csv.rowsPerSecond)} | ${fr(csv.peakRssMb)} Mo | ${fr(csv.baselineRssMb)} Mo | ${fr(csv.rejected)} | ${fr(csv.written)} |`,
  ];
  const csvVerdicts = [
    `import CSV ≥ 50 000 lignes/s : ${csv.rowsPerSecond >= 50_000 ? 'OK' : 'ÉCHEC'} (${fr(csv.rowsPerSecond)})`,
    `mémoire de pointe ≤ 300 Mo : ${csv.peakRssMb <= 300 ? 'OK' : 'ÉCHEC'} (${fr(csv.peakRssMb)} Mo)`,
  ];
  process.stdout.write(
    `\nImport CSV de bout en bout (greffon fichier, hôte, validation, mise en attente, fusion)\n${csvLines.join('\n')}\n\n${csvVerdicts.join('\n')}\n`,
  );

  const dir = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench-csv.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), csv }, null, 2),
  );
  if (process.argv.includes('--write-docs')) writeDocs('csv', machine, csvLines, csvVerdicts);
}

/** Replaces a generated block of docs/benchmarks.md so that the document shows the latest run. */
function writeDocs(name: string, machine: string, table: string[], verdicts: string[]): void {
  const file = path.resolve(__dirname, '..', '..', 'docs', 'benchmarks.md');
  const text = fs.readFileSync(file, 'utf8');
  const date = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(
    new Date(),
  );
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = [
    start,
    `Dernière mesure : ${date} — ${machine}.`,
    '',
    ...table,
    '',
    ...verdicts.map((v) => `- ${v}`),
    end,
  ].join('\n');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`bloc ${name} absent de docs/benchmarks.md`);
  fs.writeFileSync(file, text.slice(0, from) + block + text.slice(to + end.length));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Échec du banc d'essai : ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
