import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { AppConfig, DatabaseConfig, loadConfig } from '@cap-iae/config';

export type TestDbKind = 'sqlite' | 'postgres';

/** Which database this run targets: `npm test` runs the e2e project once per database (TEST_DB). */
export function testDbKind(): TestDbKind {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

export interface TestDatabase {
  kind: TestDbKind;
  config: DatabaseConfig;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database per test file: a temporary SQLite file, or a new PostgreSQL database created next to the
 * one DATABASE_URL names (dropped afterwards), so that files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `capiae_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (testDbKind() === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cap-iae-'));
    return {
      kind: 'sqlite',
      config: { kind: 'sqlite', path: path.join(dir, `${name}.sqlite`) },
      drop: () => {
        fs.rmSync(dir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  const base = process.env.DATABASE_URL;
  if (!base)
    throw new Error('TEST_DB=postgres demande DATABASE_URL (ex. postgres://postgres@127.0.0.1:5432/test)');
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    config: { kind: 'postgres', url: url.toString() },
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testConfig(database: DatabaseConfig, overrides: Partial<AppConfig> = {}): AppConfig {
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error' }), database, demo: false, ...overrides };
}
