import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

export class InitialSchema1732000000000 implements MigrationInterface {
  name = 'InitialSchema1732000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'app_state',
        columns: [
          col.varchar('key', 80, { isPrimary: true }),
          col.text('value'),
          col.varchar('updated_at', 30),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'territory',
        columns: [
          col.varchar('code', 20, { isPrimary: true }),
          col.varchar('level', 20),
          col.varchar('official_code', 10),
          col.varchar('name', 120),
          col.varchar('parent_code', 20, { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'ix_territory_level', columnNames: ['level'] }),
          new TableIndex({ name: 'ix_territory_parent', columnNames: ['parent_code'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['parent_code'],
            referencedTableName: 'territory',
            referencedColumnNames: ['code'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'strategy',
        columns: [
          col.id(),
          col.varchar('code', 40),
          col.varchar('title', 300),
          col.varchar('territory_code', 20),
          col.int('start_year'),
          col.int('end_year'),
          col.varchar('source', 500, { isNullable: true }),
        ],
        uniques: [new TableUnique({ name: 'uq_strategy_code', columnNames: ['code'] })],
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
        name: 'axis',
        columns: [col.id(), col.int('strategy_id'), col.int('number'), col.varchar('title', 300)],
        uniques: [new TableUnique({ name: 'uq_axis_number', columnNames: ['strategy_id', 'number'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['strategy_id'],
            referencedTableName: 'strategy',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'objective',
        columns: [col.id(), col.int('axis_id'), col.varchar('number', 10), col.varchar('title', 400)],
        uniques: [new TableUnique({ name: 'uq_objective_number', columnNames: ['axis_id', 'number'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['axis_id'],
            referencedTableName: 'axis',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'national_pact',
        columns: [
          col.id(),
          col.varchar('code', 40),
          col.varchar('title', 300),
          col.int('year'),
          col.varchar('source', 500, { isNullable: true }),
        ],
        uniques: [new TableUnique({ name: 'uq_national_pact_code', columnNames: ['code'] })],
      }),
    );

    await q.createTable(
      new Table({
        name: 'pact_engagement',
        columns: [col.id(), col.int('pact_id'), col.int('number'), col.varchar('title', 400)],
        uniques: [new TableUnique({ name: 'uq_pact_engagement_number', columnNames: ['pact_id', 'number'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['pact_id'],
            referencedTableName: 'national_pact',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await q.createTable(
      new Table({
        name: 'pact_measure',
        columns: [col.id(), col.int('engagement_id'), col.int('number'), col.varchar('title', 600)],
        uniques: [
          new TableUnique({ name: 'uq_pact_measure_number', columnNames: ['engagement_id', 'number'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['engagement_id'],
            referencedTableName: 'pact_engagement',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    await q.createTable(
      junction(
        'objective_pact_measure',
        ['objective_id', 'objective', 'id', 'integer'],
        ['pact_measure_id', 'pact_measure', 'id', 'integer'],
      ),
    );

    await q.createTable(
      new Table({
        name: 'indicator',
        columns: [
          col.varchar('code', 60, { isPrimary: true }),
          col.varchar('label', 300),
          col.text('definition'),
          col.varchar('unit', 20),
          col.varchar('direction', 10),
          col.varchar('aggregation', 10),
          col.int('decimals', { default: 0 }),
          col.text('dimensions'),
        ],
      }),
    );

    await q.createTable(
      junction(
        'indicator_objective',
        ['indicator_code', 'indicator', 'code', 'varchar'],
        ['objective_id', 'objective', 'id', 'integer'],
      ),
    );

    await q.createTable(
      new Table({
        name: 'target',
        columns: [
          col.id(),
          col.varchar('indicator_code', 60),
          col.varchar('territory_code', 20),
          col.int('year'),
          col.varchar('dimension_key', 200, { default: "''" }),
          col.double('value'),
          col.text('comment', { isNullable: true }),
          col.varchar('updated_by', 120, { isNullable: true }),
          col.varchar('updated_at', 30),
          col.bool(q, 'is_demo', false),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_target_key',
            columnNames: ['indicator_code', 'territory_code', 'year', 'dimension_key'],
          }),
        ],
        indices: [new TableIndex({ name: 'ix_target_territory', columnNames: ['territory_code'] })],
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

    await q.createTable(
      new Table({
        name: 'observation',
        columns: [
          col.id(),
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
        uniques: [
          new TableUnique({
            name: 'uq_observation_key',
            columnNames: ['indicator_code', 'territory_code', 'period', 'dimension_key'],
          }),
        ],
        indices: [
          new TableIndex({
            name: 'ix_observation_territory_period',
            columnNames: ['territory_code', 'period'],
          }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'observation',
      'target',
      'indicator_objective',
      'indicator',
      'objective_pact_measure',
      'pact_measure',
      'pact_engagement',
      'national_pact',
      'objective',
      'axis',
      'strategy',
      'territory',
      'app_state',
    ]) {
      await q.dropTable(table);
    }
  }
}

/** A many-to-many table shaped exactly as TypeORM's @JoinTable expects it (composite key, one index per side). */
function junction(
  name: string,
  left: [column: string, table: string, ref: string, type: 'integer' | 'varchar'],
  right: [column: string, table: string, ref: string, type: 'integer' | 'varchar'],
): Table {
  const column = ([c, , , type]: typeof left) =>
    type === 'integer' ? col.int(c, { isPrimary: true }) : col.varchar(c, 60, { isPrimary: true });
  return new Table({
    name,
    columns: [column(left), column(right)],
    indices: [new TableIndex({ columnNames: [left[0]] }), new TableIndex({ columnNames: [right[0]] })],
    foreignKeys: [left, right].map(
      ([c, table, ref]) =>
        new TableForeignKey({
          columnNames: [c],
          referencedTableName: table,
          referencedColumnNames: [ref],
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        }),
    ),
  });
}
