import { DataSource, Migration } from 'typeorm';
import { isPostgres } from './data-source';

/** Arbitrary but fixed key: every instance of the app takes the same advisory lock before migrating. */
const MIGRATION_LOCK_KEY = 7_140_422_019;

/**
 * Applies pending migrations, one transaction each. On PostgreSQL several app instances may start together, so the
 * run is serialised with an advisory lock; SQLite has a single writer by construction.
 */
export function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withInstallationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}

const lockHolders = new WeakSet<DataSource>();

/**
 * Serialises installation work (migrations, reference data) between app instances sharing one PostgreSQL database.
 * Re-entrant within a process, so that a caller holding the lock can run migrations inside it.
 */
export async function withInstallationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (!isPostgres(dataSource) || lockHolders.has(dataSource)) return work();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  lockHolders.add(dataSource);
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    lockHolders.delete(dataSource);
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function revertAllMigrations(dataSource: DataSource): Promise<number> {
  let reverted = 0;
  while (await hasExecutedMigrations(dataSource)) {
    await dataSource.undoLastMigration({ transaction: 'each' });
    reverted += 1;
  }
  return reverted;
}

async function hasExecutedMigrations(dataSource: DataSource): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    if (!(await runner.hasTable('schema_migration'))) return false;
    const rows = (await runner.query('SELECT 1 FROM schema_migration')) as unknown[];
    return rows.length > 0;
  } finally {
    await runner.release();
  }
}
