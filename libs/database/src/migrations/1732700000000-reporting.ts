import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

/** Generated bilans (the archive of issued PDFs) and the narrative texts written for them before generation. */
export class Reporting1732700000000 implements MigrationInterface {
  name = 'Reporting1732700000000';

  async up(q: QueryRunner): Promise<void> {
    const territoryKey = () =>
      new TableForeignKey({
        columnNames: ['territory_code'],
        referencedTableName: 'territory',
        referencedColumnNames: ['code'],
        onDelete: 'RESTRICT',
      });
    await q.createTable(
      new Table({
        name: 'bilan',
        columns: [
          col.id(),
          col.varchar('kind', 10),
          col.varchar('template_id', 60),
          col.varchar('territory_code', 20),
          col.varchar('strategy_code', 40),
          col.int('year'),
          // What was asked (kind, territory, strategy, year, template and its options), as JSON.
          col.text('parameters'),
          // SHA-256 of the canonical JSON of the view-model: equal hashes, equal figures.
          col.varchar('data_hash', 64, { isNullable: true }),
          col.varchar('data_date', 30, { isNullable: true }),
          // Relative to the bilans folder (CAP_IAE_BILANS_DIR, data/bilans by default).
          col.varchar('file_path', 300, { isNullable: true }),
          col.int('size', { isNullable: true }),
          col.int('page_count', { isNullable: true }),
          col.varchar('author', 120),
          col.varchar('created_at', 30),
          col.varchar('finished_at', 30, { isNullable: true }),
          col.varchar('status', 12),
          col.text('error_message', { isNullable: true }),
          col.int('duration_ms', { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'ix_bilan_territory_year', columnNames: ['territory_code', 'year'] }),
          new TableIndex({ name: 'ix_bilan_status', columnNames: ['status'] }),
        ],
        foreignKeys: [territoryKey()],
      }),
    );
    await q.createTable(
      new Table({
        name: 'bilan_narrative',
        columns: [
          col.id(),
          col.varchar('kind', 10),
          col.varchar('territory_code', 20),
          col.varchar('strategy_code', 40),
          col.int('year'),
          // `synthese`, `axe:2`, `objectif:2.1`, `conclusion`.
          col.varchar('ref', 40),
          col.text('text'),
          col.varchar('author', 120),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_bilan_narrative_key',
            columnNames: ['kind', 'territory_code', 'strategy_code', 'year', 'ref'],
          }),
        ],
        foreignKeys: [territoryKey()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('bilan_narrative');
    await q.dropTable('bilan');
  }
}
