import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

/** Statuses of progress forced by an administrator, one per indicator, territory and year, with their justification. */
export class ProgressOverride1732300000000 implements MigrationInterface {
  name = 'ProgressOverride1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'progress_override',
        columns: [
          col.id(),
          col.varchar('indicator_code', 60),
          col.varchar('territory_code', 20),
          col.int('year'),
          col.varchar('status', 20),
          col.text('justification'),
          col.varchar('set_by', 120, { isNullable: true }),
          col.varchar('set_at', 30),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_progress_override_key',
            columnNames: ['indicator_code', 'territory_code', 'year'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_progress_override_territory_year',
            columnNames: ['territory_code', 'year'],
          }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['indicator_code'],
            referencedTableName: 'indicator',
            referencedColumnNames: ['code'],
            onDelete: 'CASCADE',
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
    await q.dropTable('progress_override');
  }
}
