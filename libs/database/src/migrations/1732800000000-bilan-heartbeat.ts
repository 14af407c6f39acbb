import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { col } from '../column-types';

/**
 * Which process generates a bilan, and when it last said it was alive: with several servers on one database, a
 * starting server must fail only the generations nobody is running any more, not those of its neighbours.
 */
export class BilanHeartbeat1732800000000 implements MigrationInterface {
  name = 'BilanHeartbeat1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('bilan', [
      new TableColumn(col.varchar('owner', 120, { isNullable: true })),
      new TableColumn(col.varchar('heartbeat_at', 30, { isNullable: true })),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('bilan', 'heartbeat_at');
    await q.dropColumn('bilan', 'owner');
  }
}
