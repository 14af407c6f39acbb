import type { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations. Only types both SQLite and PostgreSQL accept under the same name are used, so that
 * one migration history serves both databases (dates are ISO text: see ADR 002).
 */
export const col = {
  id: (name = 'id'): TableColumnOptions => ({
    name,
    type: 'integer',
    isPrimary: true,
    isGenerated: true,
    generationStrategy: 'increment',
  }),
  varchar: (name: string, length: number, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: 'varchar',
    length: String(length),
    isNullable: false,
    ...opts,
  }),
  text: (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: 'text',
    isNullable: false,
    ...opts,
  }),
  int: (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: 'integer',
    isNullable: false,
    ...opts,
  }),
  double: (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
    name,
    type: 'double precision',
    isNullable: false,
    ...opts,
  }),
  /** A default is written into the DDL as is, and the two databases spell booleans differently. */
  bool: (q: QueryRunner, name: string, defaultValue: boolean): TableColumnOptions => ({
    name,
    type: 'boolean',
    isNullable: false,
    default: q.connection.options.type === 'postgres' ? String(defaultValue) : defaultValue ? '1' : '0',
  }),
};
