import { DataSource } from 'typeorm';
import { createDataSource, revertAllMigrations, runMigrations, MIGRATIONS } from '@cap-iae/database';
import { ALL_ENTITIES } from '@cap-iae/core';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const TABLES = [
  'territory',
  'strategy',
  'axis',
  'objective',
  'national_pact',
  'pact_engagement',
  'pact_measure',
  'objective_pact_measure',
  'indicator',
  'indicator_objective',
  'target',
  'observation',
  'app_state',
  'app_user',
  'role_assignment',
  'user_session',
  'api_token',
  'login_attempt',
  'audit_entry',
  'source',
  'source_run',
  'run_rejection',
  'observation_staging',
];

describe(`migrations (${process.env.TEST_DB ?? 'sqlite'})`, () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.config, ALL_ENTITIES);
    await ds.initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  async function tables(): Promise<string[]> {
    const runner = ds.createQueryRunner();
    try {
      const present: string[] = [];
      for (const t of TABLES) if (await runner.hasTable(t)) present.push(t);
      return present;
    } finally {
      await runner.release();
    }
  }

  it('runs up, down and up again, leaving the schema the entities describe', async () => {
    expect(await runMigrations(ds)).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(TABLES);

    expect(await revertAllMigrations(ds)).toBe(MIGRATIONS.length);
    expect(await tables()).toEqual([]);

    expect(await runMigrations(ds)).toHaveLength(MIGRATIONS.length);
    expect(await tables()).toEqual(TABLES);

    // The schema builder compares the live schema with the entity metadata: no statement means they agree.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('is a no-op when nothing is pending', async () => {
    expect(await runMigrations(ds)).toHaveLength(0);
  });
});
