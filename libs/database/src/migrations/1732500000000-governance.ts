import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

/**
 * The types of steering bodies seeded here are the ones the texts name today. They are rows, not code: the Pacte
 * d'ambition (measure 22) replaces CDIAE and CTA by comités territoriaux de l'inclusion dans l'emploi, and an
 * administrator adds such a type from the app.
 */
const SEEDED_TYPES: { code: string; label: string; level: string; description: string }[] = [
  {
    code: 'COR_IAE',
    label: "Comité d'orientation régional de l'IAE (COR-IAE)",
    level: 'region',
    description:
      'Adopte la stratégie régionale, en suit la mise en œuvre chaque année et en dresse le bilan.',
  },
  {
    code: 'CDIAE',
    label: "Conseil départemental de l'IAE (CDIAE)",
    level: 'department',
    description:
      "Élabore et suit le plan d'actions départemental, rend des avis sur les conventionnements des SIAE.",
  },
  {
    code: 'CTA',
    label: "Comité technique d'animation (CTA)",
    level: 'department',
    description: 'Suit les parcours sur le territoire et alimente les travaux du CDIAE.',
  },
  {
    code: 'CONF_FINANCEURS',
    label: 'Conférence des financeurs',
    level: 'department',
    description:
      "Réunit l'État, la Région, le conseil départemental, France Travail et les collectivités : qui finance quoi, priorités des nouveaux projets.",
  },
  {
    code: 'CTIE',
    label: "Comité territorial de l'inclusion dans l'emploi",
    level: 'department',
    description:
      "Instance proposée par le Pacte d'ambition pour l'IAE (mesure 22) pour remplacer CDIAE et CTA.",
  },
  {
    code: 'CRIE',
    label: "Comité régional de l'inclusion dans l'emploi",
    level: 'region',
    description: "Instance régionale proposée par le Pacte d'ambition pour l'IAE (mesure 22).",
  },
];

/** Governance: instance types, instances, meetings, decisions and avis with what they are about. */
export class Governance1732500000000 implements MigrationInterface {
  name = 'Governance1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'instance_type',
        columns: [
          col.id(),
          col.varchar('code', 40),
          col.varchar('label', 200),
          col.varchar('level', 20),
          col.text('description', { isNullable: true }),
          col.bool(q, 'active', true),
          col.varchar('created_at', 30),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [new TableUnique({ name: 'uq_instance_type_code', columnNames: ['code'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'instance',
        columns: [
          col.id(),
          col.int('type_id'),
          col.varchar('territory_code', 20),
          col.varchar('name', 200),
          col.bool(q, 'active', true),
          col.bool(q, 'is_demo', false),
          col.varchar('created_at', 30),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_instance_type_territory_name',
            columnNames: ['type_id', 'territory_code', 'name'],
          }),
        ],
        indices: [new TableIndex({ name: 'ix_instance_territory', columnNames: ['territory_code'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['type_id'],
            referencedTableName: 'instance_type',
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
    await q.createTable(
      new Table({
        name: 'meeting',
        columns: [
          col.id(),
          col.int('instance_id'),
          col.varchar('meeting_date', 10),
          col.varchar('title', 300),
          col.varchar('status', 12),
          col.text('participants'),
          col.text('agenda'),
          col.text('minutes', { isNullable: true }),
          col.bool(q, 'is_demo', false),
          col.varchar('created_by', 120, { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('updated_by', 120, { isNullable: true }),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        indices: [
          new TableIndex({ name: 'ix_meeting_instance_date', columnNames: ['instance_id', 'meeting_date'] }),
          new TableIndex({ name: 'ix_meeting_date', columnNames: ['meeting_date'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['instance_id'],
            referencedTableName: 'instance',
            referencedColumnNames: ['id'],
            onDelete: 'RESTRICT',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'decision',
        columns: [
          col.id(),
          col.int('meeting_id'),
          col.int('position'),
          col.varchar('kind', 30),
          col.text('text'),
          col.bool(q, 'is_demo', false),
          col.varchar('created_at', 30),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        indices: [new TableIndex({ name: 'ix_decision_meeting', columnNames: ['meeting_id', 'position'] })],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['meeting_id'],
            referencedTableName: 'meeting',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'decision_target',
        columns: [
          col.id(),
          col.int('decision_id'),
          col.varchar('target_type', 12),
          col.varchar('target_ref', 40),
          col.varchar('target_label', 400),
        ],
        uniques: [
          new TableUnique({
            name: 'uq_decision_target',
            columnNames: ['decision_id', 'target_type', 'target_ref'],
          }),
        ],
        indices: [
          new TableIndex({ name: 'ix_decision_target_ref', columnNames: ['target_type', 'target_ref'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['decision_id'],
            referencedTableName: 'decision',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );

    // Placeholders differ between the drivers; `active` and `version` take their column defaults.
    const pg = q.connection.options.type === 'postgres';
    const now = new Date().toISOString();
    for (const t of SEEDED_TYPES) {
      const p = pg ? ['$1', '$2', '$3', '$4', '$5', '$6'] : ['?', '?', '?', '?', '?', '?'];
      await q.query(
        `INSERT INTO instance_type (code, label, level, description, created_at, updated_at) VALUES (${p.join(', ')})`,
        [t.code, t.label, t.level, t.description, now, now],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['decision_target', 'decision', 'meeting', 'instance', 'instance_type'])
      await q.dropTable(table);
  }
}
