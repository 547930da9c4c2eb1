import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. The device ids Replay issues (finger/spi, getbuvid, a first page visit) and their activation
// (ExClimbWuzhi). No foreign keys: a device is anonymous, and play counting never reads this table (an
// id proves by its own check digits that Replay issued it), so rows can be pruned without effect on it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('devices')
    .addColumn('buvid3', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('buvid4', 'varchar(128)')
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .execute();
  // Retention prunes the oldest rows first, a bounded number at a time.
  await sql`CREATE INDEX devices_issued_at ON devices (issued_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('devices').execute();
}
