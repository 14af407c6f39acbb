import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex, TableUnique } from 'typeorm';
import { col } from '../column-types';

/** Accounts, roles scoped to territories, sessions, API tokens, login attempts and the append-only audit trail. */
export class Access1732100000000 implements MigrationInterface {
  name = 'Access1732100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'app_user',
        columns: [
          col.id(),
          col.varchar('login', 120),
          col.varchar('display_name', 120),
          col.varchar('password_hash', 200),
          col.bool(q, 'active', true),
          col.bool(q, 'must_change_password', false),
          col.bool(q, 'is_demo', false),
          col.varchar('oidc_subject', 200, { isNullable: true }),
          col.varchar('created_at', 30),
          col.varchar('updated_at', 30),
          col.int('version', { default: 1 }),
        ],
        uniques: [new TableUnique({ name: 'uq_app_user_login', columnNames: ['login'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'role_assignment',
        columns: [col.id(), col.int('user_id'), col.varchar('role', 30), col.varchar('territory_code', 20)],
        uniques: [
          new TableUnique({ name: 'uq_role_assignment', columnNames: ['user_id', 'role', 'territory_code'] }),
        ],
        foreignKeys: [
          new TableForeignKey({
            columnNames: ['user_id'],
            referencedTableName: 'app_user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_session',
        columns: [
          col.varchar('token_hash', 64, { isPrimary: true }),
          col.int('user_id'),
          col.varchar('csrf_token', 64),
          col.varchar('created_at', 30),
          col.varchar('last_seen_at', 30),
          col.varchar('expires_at', 30),
        ],
        indices: [new TableIndex({ name: 'ix_user_session_user', columnNames: ['user_id'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_token',
        columns: [
          col.id(),
          col.int('user_id'),
          col.varchar('name', 120),
          col.varchar('prefix', 20),
          col.varchar('token_hash', 64),
          col.varchar('created_at', 30),
          col.varchar('last_used_at', 30, { isNullable: true }),
          col.varchar('revoked_at', 30, { isNullable: true }),
        ],
        uniques: [new TableUnique({ name: 'uq_api_token_hash', columnNames: ['token_hash'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'login_attempt',
        columns: [
          col.id(),
          col.varchar('login', 120),
          col.varchar('ip', 64),
          col.varchar('at', 30),
          { name: 'success', type: 'boolean', isNullable: false },
        ],
        indices: [
          new TableIndex({ name: 'ix_login_attempt_login', columnNames: ['login', 'at'] }),
          new TableIndex({ name: 'ix_login_attempt_ip', columnNames: ['ip', 'at'] }),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          col.id(),
          col.varchar('at', 30),
          col.varchar('actor', 120),
          col.varchar('channel', 10),
          col.varchar('action', 60),
          col.varchar('object_type', 40),
          col.varchar('object_id', 200),
          col.text('before', { isNullable: true }),
          col.text('after', { isNullable: true }),
          col.varchar('summary', 500, { isNullable: true }),
          col.varchar('request_id', 40, { isNullable: true }),
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_object', columnNames: ['object_type', 'object_id'] }),
          new TableIndex({ name: 'ix_audit_request', columnNames: ['request_id'] }),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_entry',
      'login_attempt',
      'api_token',
      'user_session',
      'role_assignment',
      'app_user',
    ]) {
      await q.dropTable(table);
    }
  }
}
