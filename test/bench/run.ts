import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { benchStore, StoreBenchResult, tempSqlite } from './observation-store.bench';
import { benchCsvImport } from './csv-import.bench';
import { benchDashboard, DashboardBenchResult, REGIONAL_PAGE, tempSqliteFile } from './dashboard.bench';
import { benchBilans } from './bilans.bench';

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
  if (only === 'dashboard') return dashboardPart(machine);
  if (only === 'bilans') return bilansPart(machine);

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
    `| lignes | fichier | import (exécution) | débit | commande entière | débit | mémoire de pointe (RSS) | relevés | rejets | valeurs écrites |`,
    `|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    `| ${fr(csv.rows)} | ${fr(csv.fileMb, 1)} Mo | ${fr(csv.seconds, 2)} s | ${fr(csv.rowsPerSecond)} lignes/s | ${fr(csv.commandSeconds, 2)} s | ${fr(csv.commandRowsPerSecond)} lignes/s | ${fr(csv.peakRssMb)} Mo | ${fr(csv.samples)} | ${fr(csv.rejected)} | ${fr(csv.written)} |`,
  ];
  const csvVerdicts = [
    `import CSV ≥ 50 000 lignes/s (commande entière) : ${csv.commandRowsPerSecond >= 50_000 ? 'OK' : 'ÉCHEC'} (${fr(csv.commandRowsPerSecond)})`,
    `mémoire de pointe ≤ 300 Mo : ${csv.peakRssMb <= 300 ? 'OK' : 'ÉCHEC'} (${fr(csv.peakRssMb)} Mo)`,
  ];
  process.stdout.write(
    `\nImport CSV de bout en bout par « cap-iae import » (greffon fichier, hôte, validation, mise en attente, fusion)\n${csvLines.join('\n')}\n\n${csvVerdicts.join('\n')}\n`,
  );

  const dir = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench-csv.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), csv }, null, 2),
  );
  if (process.argv.includes('--write-docs')) writeDocs('csv', machine, csvLines, csvVerdicts);
}

/** The dashboard's regional page on ten times the demo data, under autocannon, beside a bare route of the same app. */
async function dashboardPart(machine: string): Promise<void> {
  const options = { duration: Number(process.env.BENCH_DASHBOARD_SECONDS ?? 10), connections: 4 };
  const results: DashboardBenchResult[] = [];
  const sqlite = tempSqliteFile();
  try {
    results.push(await benchDashboard('sqlite', sqlite.config, options));
  } finally {
    sqlite.cleanup();
  }
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `capiae_bench_dash_${process.pid}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    try {
      results.push(await benchDashboard('postgresql', { kind: 'postgres', url: url.toString() }, options));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  const ms = (v: number) => `${fr(v, v < 10 ? 1 : 0)} ms`;
  const lines = [
    `| base | page | requêtes/s | temps serveur médian | temps serveur p95 | latence client p50 | latence client p97,5 |`,
    `|---|---|---:|---:|---:|---:|---:|`,
    ...results.flatMap((r) => [
      ...r.routes.map(
        (x) =>
          `| ${r.database} | ${x.label} | ${fr(x.requestsPerSecond)} | ${ms(x.serverP50)} | ${ms(x.serverP95)} | ${ms(x.clientP50)} | ${ms(x.clientP975)} |`,
      ),
      `| ${r.database} | Accueil régional, cache vidé avant chaque requête (${r.cold.samples} requêtes à la suite) | — | ${ms(r.cold.p50)} | ${ms(r.cold.p95)} | — | — |`,
    ]),
    '',
    ...results.map(
      (r) =>
        `Données (${r.database}) : ${fr(r.rows)} valeurs, soit ${fr(r.factor, 1)} × les ${fr(r.demoRows)} de la démonstration ` +
        `(chargées en ${fr(r.loadSeconds, 1)} s) ; ${r.connections} connexions simultanées, ${r.duration} s par page.`,
    ),
  ];
  process.stdout.write(
    `\nTableau de bord — page régionale sur 10 × les données de démonstration (autocannon)\n${lines.join('\n')}\n`,
  );
  const regional = results[0].routes.find((x) => x.path === REGIONAL_PAGE)!;
  const failures = results.flatMap((r) =>
    r.routes.filter((x) => x.errors > 0).map((x) => `${r.database} ${x.path}`),
  );
  const verdicts = [
    `temps serveur médian ≤ 50 ms (SQLite) : ${regional.serverP50 <= 50 ? 'OK' : 'ÉCHEC'} (${ms(regional.serverP50)})`,
    `temps serveur p95 ≤ 150 ms (SQLite) : ${regional.serverP95 <= 150 ? 'OK' : 'ÉCHEC'} (${ms(regional.serverP95)})`,
    `réponses en erreur : ${failures.length === 0 ? 'aucune' : `ÉCHEC (${failures.join(', ')})`}`,
  ];
  process.stdout.write(`\n${verdicts.join('\n')}\n`);
  const dir = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench-dashboard.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2),
  );
  if (process.argv.includes('--write-docs')) writeDocs('dashboard', machine, lines, verdicts);
}

/** Bilans PDF with the pooled browser kept warm, against a fresh browser per bilan, in the same run. */
async function bilansPart(machine: string): Promise<void> {
  const r = await benchBilans();
  const s = (ms: number) => `${fr(ms / 1000, 2)} s`;
  const x = (fresh: number, warm: number) => `${fr(fresh / warm, 1)}×`;
  const lines = [
    `| bilan | pages | navigateur chaud | dont données | dont graphiques | dont PDF | navigateur lancé pour le bilan | dont PDF | gain (total) | gain (PDF) |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
    ...(
      [
        ['CDIAE (Seine-Saint-Denis)', r.cdiae],
        ['COR-IAE (Île-de-France)', r.corIae],
      ] as const
    ).map(
      ([name, b]) =>
        `| ${name} | ${b.pages} | ${s(b.warm.totalMs)} | ${s(b.warm.dataMs)} | ${s(b.warm.chartsMs)} | ${s(b.warm.pdfMs)} | ` +
        `${s(b.fresh.totalMs)} | ${s(b.fresh.pdfMs)} | ${x(b.fresh.totalMs, b.warm.totalMs)} | ${x(b.fresh.pdfMs, b.warm.pdfMs)} |`,
    ),
    `| les ${r.year.bilans} bilans de 2021 (archivés, 2 pages Chromium) | — | ${s(r.year.warmMs)} | | | | ${s(r.year.freshMs)} | | ${x(r.year.freshMs, r.year.warmMs)} | |`,
    '',
    `Mémoire de pointe pendant les mesures à chaud : Node ${fr(r.peak.nodeRssMb)} Mo (RSS), Chromium ${fr(r.peak.chromiumRssMb)} Mo (RSS cumulée de ${r.peak.chromiumProcesses} processus ; ${fr(r.peak.chromiumPssMb)} Mo en PSS, mémoire partagée comptée une fois, relevée chaque seconde). Médianes de ${r.runs} exécutions.`,
  ];
  const pdfGain = Math.min(
    r.cdiae.fresh.pdfMs / r.cdiae.warm.pdfMs,
    r.corIae.fresh.pdfMs / r.corIae.warm.pdfMs,
  );
  const verdicts = [
    `bilan CDIAE ≤ 1,5 s : ${r.cdiae.warm.totalMs <= 1500 ? 'OK' : 'ÉCHEC'} (${s(r.cdiae.warm.totalMs)})`,
    `bilan COR-IAE ≤ 3 s : ${r.corIae.warm.totalMs <= 3000 ? 'OK' : 'ÉCHEC'} (${s(r.corIae.warm.totalMs)})`,
    `les 9 bilans de l’année ≤ 8 s : ${r.year.warmMs <= 8000 ? 'OK' : 'ÉCHEC'} (${s(r.year.warmMs)})`,
    `navigateur chaud ≥ 3× plus rapide que lancé pour chaque bilan, étape PDF : ${pdfGain >= 3 ? 'OK' : 'ÉCHEC'} (${fr(pdfGain, 1)}×)`,
  ];
  process.stdout.write(
    `\nBilans PDF (données de démonstration)\n${lines.join('\n')}\n\n${verdicts.join('\n')}\n`,
  );
  const dir = path.resolve(__dirname, '..', 'artifacts');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'bench-bilans.json'),
    JSON.stringify({ machine, date: new Date().toISOString(), ...r }, null, 2),
  );
  if (process.argv.includes('--write-docs')) writeDocs('bilans', machine, lines, verdicts);
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
