import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import {
  batchesOf,
  isPluginError,
  runContractKit,
  type FetchRequest,
  type PluginContext,
  type RecordBatch,
} from '@cap-iae/plugin-sdk';
import plugin, { PAGE_SIZE } from './index';
import type { SqlConfig } from './config';

const PLUGIN_DIR = path.resolve(__dirname, '..');

function parse(raw: Record<string, unknown>): SqlConfig {
  return plugin.parseConfig!(raw);
}

function context(
  config: SqlConfig,
  secrets: Record<string, string> = {},
  signal = new AbortController().signal,
): PluginContext<SqlConfig> {
  return {
    config,
    secrets,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    signal,
    fetch,
    progress: () => undefined,
  };
}

async function collect(
  config: SqlConfig,
  options: { request?: FetchRequest; secrets?: Record<string, string> } = {},
) {
  const batches: RecordBatch[] = [];
  for await (const batch of batchesOf(
    plugin.fetchValues(options.request ?? {}, context(config, options.secrets)),
  )) {
    batches.push(batch);
  }
  return {
    batches,
    records: batches.flatMap((b) => b.records),
    warnings: batches.flatMap((b) => b.warnings),
  };
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (isPluginError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error("l'exécution devait échouer");
}

function configError(raw: Record<string, unknown>): string {
  try {
    parse(raw);
  } catch (e) {
    if (isPluginError(e) && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('la configuration devait être refusée');
}

describe('plugin sql, SQLite', () => {
  let dir: string;
  let file: string;
  const base = () => ({
    engine: 'sqlite',
    path: file,
    query: 'SELECT code, dep, annee, type_siae, valeur, sorties_dyn, sorties FROM valeurs ORDER BY id',
    columns: { indicator: 'code', territory: 'dep', period: 'annee', value: 'valeur' },
    territoryFormat: 'insee-departement',
    dimensions: { siae_type: 'type_siae' },
  });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-sql-'));
    file = path.join(dir, 'source.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE valeurs (
      id INTEGER PRIMARY KEY, code TEXT, dep TEXT, annee, type_siae TEXT, valeur, sorties_dyn REAL, sorties REAL)`);
    const insert = db.prepare(
      'INSERT INTO valeurs (id, code, dep, annee, type_siae, valeur, sorties_dyn, sorties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(1, 'SIAE_NB', '93', 2021, 'ACI', 61, null, null);
    insert.run(2, 'siae_nb', '2A', '2021-T3', null, '12,5', null, null);
    insert.run(3, 'SIAE_NB', '7', 2021, 'EI', 4, null, null);
    insert.run(4, 'SIAE NB', '999', 'vingt', null, 'abc', null, null);
    insert.run(5, 'TX_SORTIES_DYNAMIQUES', '94', 2022, 'ACI', null, 30, 120);
    insert.run(6, 'TX_SORTIES_DYNAMIQUES', '95', 2022, 'ACI', null, 30, 0);
    insert.run(7, 'SIAE_NB', '93', 2022, null, null, null, null);
    db.exec('CREATE TABLE grand (n INTEGER)');
    db.prepare(
      'WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 12001) INSERT INTO grand SELECT n FROM s',
    ).run();
    db.close();
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('passes the contract kit', async () => {
    const report = await runContractKit(PLUGIN_DIR, { config: base(), minRecords: 3 });
    expect(report.problems).toEqual([]);
  });

  it('maps columns, converts INSEE codes and numbers, and reports bad rows with their line', async () => {
    const { records, warnings } = await collect(
      parse({ ...base(), columns: { ...base().columns, numerator: 'sorties_dyn', denominator: 'sorties' } }),
    );
    const label = 'requête SQL (SQLite source.db)';
    expect(records).toEqual([
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-93',
        period: '2021',
        dimensions: { siae_type: 'ACI' },
        value: 61,
        sourceRef: `${label}, ligne 1`,
        line: 1,
      },
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-2A',
        period: '2021-T3',
        value: 12.5,
        sourceRef: `${label}, ligne 2`,
        line: 2,
      },
      {
        indicator: 'SIAE_NB',
        territory: 'DEP-07',
        period: '2021',
        dimensions: { siae_type: 'EI' },
        value: 4,
        sourceRef: `${label}, ligne 3`,
        line: 3,
      },
      {
        indicator: 'TX_SORTIES_DYNAMIQUES',
        territory: 'DEP-94',
        period: '2022',
        dimensions: { siae_type: 'ACI' },
        numerator: 30,
        denominator: 120,
        sourceRef: `${label}, ligne 5`,
        line: 5,
      },
    ]);
    expect(warnings).toEqual([
      { line: 4, column: 'code', message: "code d'indicateur « SIAE NB » invalide" },
      {
        line: 4,
        column: 'dep',
        message: 'territoire « 999 » invalide (attendu : code INSEE de département, ex. 93, 2A, 971)',
      },
      { line: 4, column: 'annee', message: 'période « vingt » invalide (attendu : 2021 ou 2021-T3)' },
      { line: 4, column: 'valeur', message: "valeur « abc » n'est pas un nombre" },
      { line: 6, column: 'sorties', message: 'dénominateur 0 : un nombre positif est attendu' },
      { line: 7, column: 'valeur', message: 'aucune valeur (cellule vide)' },
    ]);
  });

  it('takes a fixed indicator and honours the limits of the request', async () => {
    const config = parse({
      engine: 'sqlite',
      path: file,
      query:
        "SELECT 'DEP-' || dep AS territoire, annee, valeur FROM valeurs WHERE code = 'SIAE_NB' AND valeur IS NOT NULL",
      indicator: 'SIAE_NB',
      columns: { territory: 'TERRITOIRE', period: 'annee', value: 'valeur' },
    });
    const { records } = await collect(config, {
      request: { territories: ['DEP-93', 'DEP-07'], periodFrom: '2021', periodTo: '2021' },
    });
    expect(records.map((r) => [r.territory, r.period, r.value])).toEqual([['DEP-93', '2021', 61]]);
    const all = await collect(config);
    // `DEP-7` is not a Cap IAE code: the cap-iae format takes codes as they are.
    expect(all.warnings.map((w) => w.message)).toEqual([
      'territoire « DEP-7 » invalide (attendu : REG-11, DEP-93 ou FR)',
    ]);
  });

  it('reads large results in pages of bounded size', async () => {
    const config = parse({
      engine: 'sqlite',
      path: file,
      query: "SELECT 'REG-11' AS t, 2000 + n % 20 AS p, n AS v FROM grand",
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
    });
    const { batches, records } = await collect(config);
    expect(batches.map((b) => b.records.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 2001]);
    expect(records[12000]).toMatchObject({ line: 12001, value: 12001, period: '2001' });
  });

  it('stops between pages when the run is cancelled, and closes the file', async () => {
    const config = parse({
      engine: 'sqlite',
      path: file,
      query: "SELECT 'REG-11' AS t, 2021 AS p, n AS v FROM grand",
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
    });
    const controller = new AbortController();
    let pages = 0;
    const run = (async () => {
      for await (const _batch of batchesOf(plugin.fetchValues({}, context(config, {}, controller.signal)))) {
        pages++;
        controller.abort();
      }
    })();
    expect(await failure(run)).toEqual({ code: 'ABORTED', message: 'exécution annulée' });
    expect(pages).toBe(1);
    // An unfinished statement would hold a read lock: an exclusive lock can only be taken if the reading was closed.
    const writer = new Database(file, { timeout: 0 });
    expect(() => writer.exec('BEGIN EXCLUSIVE; ROLLBACK')).not.toThrow();
    writer.close();
  });

  it('releases the file when the consumer stops reading early', async () => {
    const config = parse({
      engine: 'sqlite',
      path: file,
      query: "SELECT 'REG-11' AS t, 2021 AS p, n AS v FROM grand",
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
    });
    for await (const _batch of batchesOf(plugin.fetchValues({}, context(config)))) break;
    const writer = new Database(file, { timeout: 0 });
    expect(() => writer.exec('BEGIN EXCLUSIVE; ROLLBACK')).not.toThrow();
    writer.close();
  });

  it('refuses a writing query at parseConfig', () => {
    expect(configError({ ...base(), query: 'DELETE FROM valeurs' })).toBe(
      'requête refusée : la requête doit commencer par SELECT ou WITH (et non DELETE)',
    );
    expect(configError({ ...base(), query: 'SELECT 1; DROP TABLE valeurs' })).toBe(
      'requête refusée : une seule instruction est permise : rien ne doit suivre le « ; »',
    );
    expect(configError({ ...base(), query: 'WITH x AS (SELECT 1) DELETE FROM valeurs' })).toContain(
      'mot-clé DELETE interdit',
    );
  });

  it('refuses a writing query at run time too, and leaves the table intact', async () => {
    // Past the text check (as if it had a gap), the read-only connection is the next guard.
    const parsed = parse(base());
    for (const query of [
      'DELETE FROM valeurs',
      'WITH x AS (SELECT 1) DELETE FROM valeurs',
      'SELECT 1; DROP TABLE valeurs',
    ]) {
      const result = await failure(collect({ ...parsed, query }));
      expect(result.code).toBe('CONFIG_INVALID');
    }
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM valeurs').get()).toEqual({ n: 7 });
    db.close();
  });

  it('reports a missing column, a missing file and a bad query as run errors', async () => {
    const missingColumn = parse({ ...base(), columns: { ...base().columns, value: 'montant' } });
    expect(await failure(collect(missingColumn))).toEqual({
      code: 'SOURCE_FORMAT',
      message:
        'colonne(s) « montant » absente(s) du résultat de la requête (colonnes : code, dep, annee, type_siae, valeur, sorties_dyn, sorties)',
    });
    const missingFile = parse({ ...base(), path: path.join(dir, 'absent.db') });
    expect((await failure(collect(missingFile))).code).toBe('SOURCE_UNREACHABLE');
    expect(fs.existsSync(path.join(dir, 'absent.db'))).toBe(false);
    const badQuery = parse({ ...base(), query: 'SELECT * FROM table_absente' });
    expect(await failure(collect(badQuery))).toEqual({
      code: 'CONFIG_INVALID',
      message: 'requête refusée par SQLite : no such table: table_absente',
    });

    const health = await plugin.healthCheck!(context(missingColumn));
    expect(health.ok).toBe(false);
    expect(health.message).toContain('« montant » absente(s)');
    expect(await plugin.healthCheck!(context(parse(base())))).toEqual({
      ok: true,
      message: `fichier SQLite ${file} accessible, requête valide (colonnes : code, dep, annee, type_siae, valeur, sorties_dyn, sorties)`,
    });
  });

  it('refuses incomplete or unsafe configurations', () => {
    expect(configError({ ...base(), engine: 'mysql' })).toContain('sqlite ou postgresql');
    expect(configError({ ...base(), path: '' })).toContain('chemin du fichier SQLite');
    expect(configError({ ...base(), indicator: 'SIAE_NB' })).toContain('soit un indicateur fixe');
    expect(
      configError({ ...base(), columns: { territory: 'dep', period: 'annee', indicator: 'code' } }),
    ).toContain('colonne de valeur');
    expect(configError({ ...base(), columns: { ...base().columns, numerator: 'a' } })).toContain(
      'vont ensemble',
    );
    expect(configError({ ...base(), dimensions: { 'Type SIAE': 'type_siae' } })).toContain(
      'nom de ventilation',
    );
    expect(
      configError({ engine: 'postgresql', url: 'postgres://u:secret@h/db', query: 'SELECT 1', columns: {} }),
    ).toContain('urlSecret');
    expect(
      configError({
        engine: 'postgresql',
        urlSecret: 'postgres://u:secret@h/db',
        query: 'SELECT 1',
        columns: base().columns,
        indicator: undefined,
      }),
    ).toContain("pas l'adresse elle-même");
  });
});

const DATABASE_URL = process.env.DATABASE_URL;
const describePostgres = DATABASE_URL ? describe : describe.skip;

describePostgres('plugin sql, PostgreSQL (DATABASE_URL)', () => {
  const url = DATABASE_URL!;
  const schema = `cap_iae_sql_${process.pid}_${Date.now().toString(36)}`;
  const secrets = { SQL_DATABASE_URL: url };
  let admin: Client;
  const base = () => ({
    engine: 'postgresql',
    urlSecret: 'SQL_DATABASE_URL',
    query: `SELECT indicateur, region, annee, type_siae, valeur FROM ${schema}.t ORDER BY id`,
    columns: { indicator: 'indicateur', territory: 'region', period: 'annee', value: 'valeur' },
    dimensions: { siae_type: 'type_siae' },
    territoryFormat: 'insee-region',
  });
  const count = async () =>
    (await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.t`)).rows[0].n;

  beforeAll(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.t (
      id serial PRIMARY KEY, indicateur text, region integer, annee integer, type_siae text, valeur numeric)`);
    await admin.query(`INSERT INTO ${schema}.t (indicateur, region, annee, type_siae, valeur) VALUES
      ('SIAE_NB', 11, 2021, 'ACI', 250), ('SIAE_NB', 11, 2021, NULL, 612.5), ('ETP_INSERTION', 1, 2022, 'EI', NULL)`);
    await admin.query(`CREATE TABLE ${schema}.grand AS SELECT n FROM generate_series(1, 12001) AS n`);
    // A function that writes: the text check cannot see inside it, only the read-only transaction stops it.
    await admin.query(`CREATE FUNCTION ${schema}.purge() RETURNS bigint LANGUAGE sql AS
      $$ WITH d AS (DELETE FROM ${schema}.t RETURNING 1) SELECT count(*) FROM d $$`);
  });

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('passes the contract kit', async () => {
    const report = await runContractKit(PLUGIN_DIR, { config: base(), secrets, minRecords: 2 });
    expect(report.problems).toEqual([]);
  });

  it('reads records inside a read-only transaction, through a cursor', async () => {
    const { records, warnings } = await collect(parse(base()), { secrets });
    const where = new URL(url);
    const label = `requête SQL (PostgreSQL ${where.hostname}${where.port ? `:${where.port}` : ''}${where.pathname})`;
    expect(records).toEqual([
      {
        indicator: 'SIAE_NB',
        territory: 'REG-11',
        period: '2021',
        dimensions: { siae_type: 'ACI' },
        value: 250,
        sourceRef: `${label}, ligne 1`,
        line: 1,
      },
      {
        indicator: 'SIAE_NB',
        territory: 'REG-11',
        period: '2021',
        value: 612.5,
        sourceRef: `${label}, ligne 2`,
        line: 2,
      },
    ]);
    expect(warnings).toEqual([{ line: 3, column: 'valeur', message: 'aucune valeur (cellule vide)' }]);
    expect(records[0].sourceRef).not.toContain('@');
  });

  it('fetches large results page by page', async () => {
    const config = parse({
      ...base(),
      query: `SELECT 'REG-11' AS t, 2000 + n % 20 AS p, n::bigint AS v FROM ${schema}.grand ORDER BY n`,
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
      dimensions: undefined,
      territoryFormat: 'cap-iae',
    });
    const { batches, records } = await collect(config, { secrets });
    expect(batches.map((b) => b.records.length)).toEqual([PAGE_SIZE, PAGE_SIZE, 2001]);
    expect(records[12000]).toMatchObject({ line: 12001, value: 12001, period: '2001' });
  });

  it('refuses writing queries and leaves the table intact', async () => {
    expect(
      configError({ ...base(), query: `WITH x AS (DELETE FROM ${schema}.t RETURNING 1) SELECT * FROM x` }),
    ).toContain('mot-clé DELETE interdit');
    // Past the text check, the database refuses: a data-modifying WITH cannot be a cursor, a read-only transaction
    // cannot write, and the extended protocol runs one statement only.
    const parsed = parse(base());
    for (const query of [
      `WITH x AS (DELETE FROM ${schema}.t RETURNING 1) SELECT * FROM x`,
      `SELECT ${schema}.purge() AS indicateur, 11 AS region, 2021 AS annee, 'ACI' AS type_siae, 1 AS valeur`,
      `SELECT 1; DELETE FROM ${schema}.t`,
    ]) {
      const result = await failure(collect({ ...parsed, query }, { secrets }));
      expect(['CONFIG_INVALID', 'SOURCE_REFUSED']).toContain(result.code);
    }
    const purge = await failure(
      collect(
        {
          ...parsed,
          query: `SELECT ${schema}.purge() AS indicateur, 11 AS region, 2021 AS annee, 1 AS valeur, 'x' AS type_siae`,
        },
        { secrets },
      ),
    );
    expect(purge.code).toBe('SOURCE_REFUSED');
    expect(purge.message).toContain('lecture seule');
    expect(await count()).toBe('3');
  });

  it('stops a query past its time limit', async () => {
    const config = parse({
      ...base(),
      query: "SELECT 'REG-11' AS t, 2021 AS p, 1 AS v, pg_sleep(5)",
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
      dimensions: undefined,
      territoryFormat: 'cap-iae',
      statementTimeoutSeconds: 1,
    });
    expect((await failure(collect(config, { secrets }))).code).toBe('TIMEOUT');
  });

  it('ends the connection when the run is cancelled', async () => {
    const config = parse({
      ...base(),
      query: "SELECT 'REG-11' AS t, 2021 AS p, 1 AS v, pg_sleep(30)",
      indicator: 'SIAE_NB',
      columns: { territory: 't', period: 'p', value: 'v' },
      dimensions: undefined,
      territoryFormat: 'cap-iae',
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const run = (async () => {
      for await (const _batch of batchesOf(
        plugin.fetchValues({}, context(config, secrets, controller.signal)),
      )) {
        // nothing: the query sleeps until cancelled
      }
    })();
    expect((await failure(run)).code).toBe('ABORTED');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('needs its secret, and says so in the health check', async () => {
    expect((await failure(collect(parse(base()), { secrets: {} }))).code).toBe('SECRET_MISSING');
    expect(await plugin.healthCheck!(context(parse(base()), {}))).toEqual({
      ok: false,
      message: "le secret SQL_DATABASE_URL (adresse de la base PostgreSQL) n'est pas défini",
    });
    expect(await plugin.healthCheck!(context(parse(base()), secrets))).toEqual({
      ok: true,
      message:
        'base PostgreSQL accessible, requête valide (colonnes : indicateur, region, annee, type_siae, valeur)',
    });
  });
});
