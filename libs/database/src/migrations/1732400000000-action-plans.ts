import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

const fk = (column: string, table: string, ref: string, onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL') =>
  new TableForeignKey({
    columnNames: [column],
    referencedTableName: table,
    referencedColumnNames: [ref],
    onDelete,
  });

/**
 * Plans d'actions départementaux: plans, their actions (objectives, indicators, budget lines, notes) and every saved
 * state of a plan. Index and unique names are explicit so that SQLite and PostgreSQL end up with the schema the
 * entities of libs/action-plans describe.
 */
export class ActionPlans1732400000000 implements MigrationInterface {
  name = 'ActionPlans1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'action_plan',
        columns: [
          col.id(),
          col.varchar('department_code', 20),
          col.int('strategy_id'),
          col.int('year'),
          col.varchar('status', 20),
          col.text('summary', { isNullable: true }),
          col.varchar('avis_date', 10, { isNullable: true }),
          col.text('avis_comment', { isNullable: true }),
          col.varchar('submitted_at', 30, { isNullable: true }),
          col.varchar('submitted_by', 120, { isNullable: true }),
          col.varchar('validated_at', 30, { isNullable: true }),
          col.varchar('validated_by', 120, { isNullable: true }),
          col.varchar('closed_at', 30, { isNullable: true }),
          col.varchar('closed_by', 120, { isNullable: true }),
          col.int('copied_from_plan_id', { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('created_by', 120),
          col.varchar('updated_at', 30),
          col.varchar('updated_by', 120),
          col.int('version', { default: 1 }),
          col.int('revision', { default: 0 }),
          col.bool(q, 'is_demo', false),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_action_plan_key',
            columnNames: ['department_code', 'strategy_id', 'year'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_action_plan_strategy_year', columnNames: ['strategy_id', 'year'] }),
        ],
        foreignKeys: [
          fk('department_code', 'territory', 'code', 'RESTRICT'),
          fk('strategy_id', 'strategy', 'id', 'RESTRICT'),
          fk('copied_from_plan_id', 'action_plan', 'id', 'SET NULL'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_action',
        columns: [
          col.id(),
          col.int('plan_id'),
          col.int('position'),
          col.varchar('title', 300),
          col.text('description', { isNullable: true }),
          col.varchar('pilot_organisation', 200, { isNullable: true }),
          col.varchar('pilot_person', 200, { isNullable: true }),
          col.text('partners'),
          col.varchar('start_date', 10, { isNullable: true }),
          col.varchar('due_date', 10, { isNullable: true }),
          col.varchar('end_date', 10, { isNullable: true }),
          col.varchar('status', 20),
          col.int('progress', { default: 0 }),
          col.int('copied_from_action_id', { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('created_by', 120),
          col.varchar('updated_at', 30),
          col.varchar('updated_by', 120),
          col.int('version', { default: 1 }),
          col.bool(q, 'is_demo', false),
        ],
        indices: [new TableIndex({ name: 'ix_plan_action_plan', columnNames: ['plan_id', 'position'] })],
        foreignKeys: [
          fk('plan_id', 'action_plan', 'id', 'CASCADE'),
          fk('copied_from_action_id', 'plan_action', 'id', 'SET NULL'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_action_objective',
        columns: [col.int('action_id', { isPrimary: true }), col.int('objective_id', { isPrimary: true })],
        indices: [
          new TableIndex({ name: 'ix_plan_action_objective_objective', columnNames: ['objective_id'] }),
        ],
        foreignKeys: [
          fk('action_id', 'plan_action', 'id', 'CASCADE'),
          fk('objective_id', 'objective', 'id', 'RESTRICT'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_action_indicator',
        columns: [
          col.int('action_id', { isPrimary: true }),
          col.varchar('indicator_code', 60, { isPrimary: true }),
        ],
        indices: [new TableIndex({ name: 'ix_plan_action_indicator_code', columnNames: ['indicator_code'] })],
        foreignKeys: [fk('action_id', 'plan_action', 'id', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_action_budget',
        columns: [
          col.id(),
          col.int('action_id'),
          col.int('year'),
          col.varchar('funder', 120),
          col.double('planned', { isNullable: true }),
          col.double('actual', { isNullable: true }),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_plan_action_budget_key',
            columnNames: ['action_id', 'year', 'funder'],
          }),
        ],
        foreignKeys: [fk('action_id', 'plan_action', 'id', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_action_note',
        columns: [
          col.id(),
          col.int('action_id'),
          col.varchar('note_date', 10),
          col.text('text'),
          col.varchar('author', 120),
          col.varchar('created_at', 30),
          col.bool(q, 'is_demo', false),
        ],
        indices: [new TableIndex({ name: 'ix_plan_action_note_action', columnNames: ['action_id'] })],
        foreignKeys: [fk('action_id', 'plan_action', 'id', 'CASCADE')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'action_plan_version',
        columns: [
          col.id(),
          col.int('plan_id'),
          col.int('number'),
          col.text('snapshot'),
          col.varchar('author', 120),
          col.varchar('created_at', 30),
          col.varchar('reason', 300),
          col.bool(q, 'is_demo', false),
        ],
        uniques: [
          new TableUnique({ name: 'uq_action_plan_version_number', columnNames: ['plan_id', 'number'] }),
        ],
        foreignKeys: [fk('plan_id', 'action_plan', 'id', 'CASCADE')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'action_plan_version',
      'plan_action_note',
      'plan_action_budget',
      'plan_action_indicator',
      'plan_action_objective',
      'plan_action',
      'action_plan',
    ])
      await q.dropTable(table);
  }
}
