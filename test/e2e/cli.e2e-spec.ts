import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import Database from 'better-sqlite3';
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
    expect(cli(['setup', '--no-demo'], env)).toContain('1 migration(s) appliquée(s), référentiel chargé');
    expect(cli(['setup', '--demo'], env)).toContain('démonstration chargée');
    expect(cli(['setup', '--demo'], env)).toContain(
      '0 migration(s) appliquée(s), référentiel à jour, démonstration déjà présente',
    );
    if (db.config.kind === 'sqlite') {
      const raw = new Database(db.config.path, { readonly: true });
      const n = raw.prepare('SELECT COUNT(*) AS n FROM observation WHERE is_demo = 1').get() as { n: number };
      raw.close();
      expect(n.n).toBeGreaterThan(10_000);
    }
  });

  it('fails with a clear French message on a bad configuration', () => {
    expect(() => cli(['setup'], { ...env, PORT: 'abc' })).toThrow(/PORT doit être un numéro de port/);
  });
});
