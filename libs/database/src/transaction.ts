import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` in one transaction. Domain services call this rather than TypeORM directly so that the rule
 * "a request writes all or nothing" has one place to live.
 */
export function inTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return dataSource.transaction(work);
}
