import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '@cap-iae/database';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const bin = path.resolve(__dirname, '..', '..', 'apps', 'cli', 'bin', 'cap-iae.js');

/** Runs the compiled CLI as a user would (npm test builds it first). */
function cli(args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync(process.execPath, [bin, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
  });
}

describe('command line', () => {
  let db: TestDatabase;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTestDatabase();
    env =
      db.config.kind === 'sqlite'
        ? { DATABASE_PATH: db.config.path, DATABASE_URL: '' }
        : { DATABASE_URL: db.config.url };
  });
  afterAll(() => db.drop());

  it('explains itself in French', () => {
    const help = cli(['--help'], env);
    expect(help).toContain('Usage: cap-iae');
    expect(help).toMatch(/setup.*migre la base/);
    expect(help).toContain('demo');
  });

  it('prepares a database with reference data, and loads demo data only once', () => {
    expect(cli(['setup', '--no-demo'], env)).toContain(
      `${MIGRATIONS.length} migration(s) appliquée(s), référentiel chargé`,
    );
    expect(cli(['setup', '--demo'], env)).toContain('démonstration chargée');
    expect(cli(['setup', '--demo'], env)).toContain(
      '0 migration(s) appliquée(s), référentiel à jour, démonstration déjà présente',
    );
    // Out of demo mode, the demo accounts (whose password is published) are disabled.
    cli(['setup', '--no-demo'], env);
    if (db.config.kind === 'sqlite') {
      const raw = new Database(db.config.path, { readonly: true });
      const n = raw.prepare('SELECT COUNT(*) AS n FROM observation WHERE is_demo = 1').get() as { n: number };
      raw.close();
      expect(n.n).toBeGreaterThan(10_000);
      const demoUsers = new Database(db.config.path, { readonly: true });
      const active = demoUsers
        .prepare('SELECT COUNT(*) AS n FROM app_user WHERE is_demo = 1 AND active = 1')
        .get() as { n: number };
      const all = demoUsers.prepare('SELECT COUNT(*) AS n FROM app_user WHERE is_demo = 1').get() as {
        n: number;
      };
      demoUsers.close();
      expect(all.n).toBe(5);
      expect(active.n).toBe(0);
    }
  });

  it('creates the first administrator, prints the password once, and audits it as a CLI change', () => {
    const out = cli(
      ['users', 'create-admin', '--login', 'premiere@drieets.gouv.fr', '--nom', 'Première Admin'],
      env,
    );
    expect(out).toContain('Administrateur créé : premiere@drieets.gouv.fr');
    const password = /Mot de passe provisoire, à changer à la première connexion : (\S+)/.exec(out)![1];
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(cli(['users', 'list'], env)).toMatch(
      /premiere@drieets\.gouv\.fr\tPremière Admin\tactif\tAdministrateur \(REG-11\)/,
    );
    if (db.config.kind === 'sqlite') {
      const raw = new Database(db.config.path, { readonly: true });
      const entry = raw
        .prepare(
          "SELECT actor, channel FROM audit_entry WHERE object_type = 'utilisateur' AND action = 'création'",
        )
        .get() as { actor: string; channel: string };
      const stored = JSON.stringify(raw.prepare('SELECT * FROM app_user').all());
      raw.close();
      expect(entry.channel).toBe('cli');
      expect(entry.actor).toMatch(/^cli:/);
      expect(stored).not.toContain(password);
    }
    expect(() =>
      cli(['users', 'create-admin', '--login', 'premiere@drieets.gouv.fr', '--nom', 'Doublon'], env),
    ).toThrow(/déjà utilisé/);
  });

  it('imports a CSV through a file source with the compiled plugin host (worker, plugin and SDK from dist/)', () => {
    if (db.config.kind !== 'sqlite') return;
    cli(['setup', '--no-demo'], env);
    const raw = new Database(db.config.path);
    const now = new Date().toISOString();
    const config = JSON.stringify({
      indicator: 'SIAE_NB',
      territoryColumn: 'Département',
      territoryFormat: 'insee-departement',
      periodColumn: 'Année',
      valueColumn: 'Nombre',
    });
    const { lastInsertRowid } = raw
      .prepare(
        `INSERT INTO source (plugin_id, name, config, territory_code, mode, schedule, status, owner_login, consecutive_failures, created_at, updated_at, version)
         VALUES ('fichier', 'Import CLI', ?, 'REG-11', 'strict', NULL, 'never_run', 'cli', 0, ?, ?, 1)`,
      )
      .run(config, now, now);
    raw.close();
    const file = path.join(path.dirname(db.config.path), 'siae.csv');
    fs.writeFileSync(file, 'Département;Année;Nombre\r\n93;2031;61\r\n75;2031;48\r\n');
    const out = cli(['import', file, '--source', String(lastInsertRowid)], env);
    expect(out).toMatch(
      /Exécution \d+ réussie : 2 ligne\(s\) lue\(s\), 2 acceptée\(s\), 0 rejetée\(s\), 2 valeur\(s\) créée\(s\)/,
    );
  });

  it('fails with a clear French message on a bad configuration', () => {
    expect(() => cli(['setup'], { ...env, PORT: 'abc' })).toThrow(/PORT doit être un numéro de port/);
  });
});
