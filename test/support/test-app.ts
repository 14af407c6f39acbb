import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/server/src/create-app';
import { createTestDatabase, testConfig, TestDatabase } from './test-database';

export interface TestApp {
  app: NestExpressApplication;
  db: TestDatabase;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** Boots the real HTTP app (same wiring as `npm start`) on a fresh database, prepared with reference data. */
export async function startTestApp(options: { demo?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await createApp(testConfig(db.config, { demo: options.demo ?? false }));
  await app.init();
  return {
    app,
    db,
    dataSource: app.get(DataSource),
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

export async function countRows(ds: DataSource, table: string): Promise<number> {
  const rows: { n: string | number }[] = await ds.query(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}
