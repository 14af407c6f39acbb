import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col } from '../column-types';

/** Indicator sources (configured plugins), their runs and rejected rows, and the staging table of bulk imports. */
export class Sources1732200000000 implements MigrationInterface {
  name = 'Sources1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'source',
        columns: [
          col.id(),
          col.varchar('plugin_id', 60),
          col.varchar('name', 200),
          col.text('config'),
          col.varchar('territory_code', 20),
          col.varchar('mode', 20),
          col.varchar('schedule', 60, { isNullable: true }),
          col.varchar('status', 20),
          col.varchar('owner_login', 120),
          col.text('input_indicators', { isNullable: true }),
          col.int('consecutive_failures', { default: 0 }),
          col.varchar('next_run_at', 30, { isNullable: true }),
          col.varchar('lease_until', 30, { isNullable: true }),
          col.varchar('last_run_at', 30, { isNullable: true }),
          col.varchar('last_success_at', 30, { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'source_run',
        columns: [
          col.id(),
          col.int('source_id'),
          col.varchar('trigger', 20),
          col.varchar('triggered_by', 120),
          col.varchar('started_at', 30),
          col.varchar('finished_at', 30, { isNullable: true }),
          col.varchar('status', 12),
          col.int('rows_read', { default: 0 }),
          col.int('rows_accepted', { default: 0 }),
          col.int('rows_rejected', { default: 0 }),
          col.int('rows_written', { default: 0 }),
          col.int('duration_ms', { isNullable: true }),
          col.varchar('error_code', 40, { isNullable: true }),
          col.text('error_message', { isNullable: true }),
          col.varchar('input_name', 300, { isNullable: true }),
        ],
        indices: [new TableIndex({ name: 'ix_source_run_source', columnNames: ['source_id', 'started_at'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'run_rejection',
        columns: [
          col.id(),
          col.int('run_id'),
          col.int('line', { isNullable: true }),
          col.varchar('field', 200, { isNullable: true }),
          col.text('reason'),
        ],
        indices: [new TableIndex({ name: 'ix_run_rejection_run', columnNames: ['run_id', 'line'] })],
      }),
    );
    // Rows of an import wait here until the whole input has been read and checked, then enter `observation` in one
    // statement: all or nothing, with the memory of the process bounded whatever the file's size.
    await q.createTable(
      new Table({
        name: 'observation_staging',
        columns: [
          col.id(),
          col.int('run_id'),
          col.int('line', { isNullable: true }),
          col.varchar('indicator_code', 60),
          col.varchar('territory_code', 20),
          col.varchar('period', 10),
          col.varchar('dimension_key', 200, { default: "''" }),
          col.double('value', { isNullable: true }),
          col.double('numerator', { isNullable: true }),
          col.double('denominator', { isNullable: true }),
          col.varchar('status', 12),
          col.varchar('provenance_kind', 12),
          col.varchar('provenance_ref', 200),
          col.varchar('source_label', 500, { isNullable: true }),
          col.bool(q, 'doubtful', false),
          col.text('note', { isNullable: true }),
          col.bool(q, 'is_demo', false),
          col.varchar('recorded_at', 30),
          col.varchar('validated_by', 120, { isNullable: true }),
          col.varchar('validated_at', 30, { isNullable: true }),
        ],
        indices: [new TableIndex({ name: 'ix_observation_staging_run', columnNames: ['run_id'] })],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['observation_staging', 'run_rejection', 'source_run', 'source'])
      await q.dropTable(table);
  }
}
