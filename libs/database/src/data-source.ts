import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource, DataSourceOptions, EntitySchema } from 'typeorm';
import type { DatabaseConfig } from '@cap-iae/config';
import { MIGRATIONS } from './migrations';
import { AppState } from './app-state.entity';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = (Function | EntitySchema)[];

export function dataSourceOptions(db: DatabaseConfig, entities: EntityList): DataSourceOptions {
  const common = {
    entities: [AppState, ...entities],
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migration',
    synchronize: false,
    migrationsRun: false,
    logging: false,
  };
  if (db.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: db.url,
      schema: db.schema,
      // One pool per instance; several instances share the database (see docs/operations.md).
      extra: { max: 10, ...(db.schema ? { options: `-c search_path=${db.schema}` } : {}) },
    };
  }
  fs.mkdirSync(path.dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    // WAL lets readers go on while the bulk store writes; NORMAL sync is durable across application crashes.
    prepareDatabase: (raw: { pragma: (s: string) => unknown }) => {
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      raw.pragma('busy_timeout = 5000');
    },
  };
}

export function createDataSource(db: DatabaseConfig, entities: EntityList): DataSource {
  return new DataSource(dataSourceOptions(db, entities));
}

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}
