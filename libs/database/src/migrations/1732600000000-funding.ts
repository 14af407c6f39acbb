import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

/** Funders, funding schemes and funding lines: the tables of the conférence des financeurs. */
export class Funding1732600000000 implements MigrationInterface {
  name = 'Funding1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'funder',
        columns: [
          col.id(),
          col.varchar('code', 40),
          col.varchar('label', 200),
          col.varchar('kind', 30),
          col.varchar('territory_code', 20, { isNullable: true }),
          col.bool(q, 'is_reference', false),
          col.varchar('updated_by', 120, { isNullable: true }),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [new TableUnique({ name: 'uq_funder_code', columnNames: ['code'] })],
        indices: [new TableIndex({ name: 'ix_funder_territory', columnNames: ['territory_code'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['territory_code'],
            referencedTableName: 'territory',
            referencedColumnNames: ['code'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'funding_scheme',
        columns: [
          col.id(),
          col.varchar('code', 40),
          col.varchar('label', 200),
          col.varchar('funder_kinds', 200),
          col.text('description', { isNullable: true }),
          col.bool(q, 'is_reference', false),
          col.varchar('updated_by', 120, { isNullable: true }),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [new TableUnique({ name: 'uq_funding_scheme_code', columnNames: ['code'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'funding_line',
        columns: [
          col.id(),
          col.int('funder_id'),
          col.int('scheme_id'),
          col.varchar('territory_code', 20),
          col.int('year'),
          col.varchar('siae_type', 10, { default: "''" }),
          col.double('amount_committed'),
          col.double('amount_paid', { isNullable: true }),
          col.double('etp', { isNullable: true }),
          col.text('comment', { isNullable: true }),
          col.bool(q, 'is_demo', false),
          col.varchar('created_by', 120, { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('updated_by', 120, { isNullable: true }),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_funding_line_key',
            columnNames: ['funder_id', 'scheme_id', 'territory_code', 'year', 'siae_type'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_funding_line_territory_year',
            columnNames: ['territory_code', 'year'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['funder_id'],
            referencedTableName: 'funder',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
          new TableForeignKey({
            columnNames: ['scheme_id'],
            referencedTableName: 'funding_scheme',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
          new TableForeignKey({
            columnNames: ['territory_code'],
            referencedTableName: 'territory',
            referencedColumnNames: ['code'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['funding_line', 'funding_scheme', 'funder']) await q.dropTable(table);
  }
}
