import type { Kysely } from 'kysely';

// Frozen. TV QR login codes (passport-tv-login): kept apart from the web QR keys because they are polled
// with another protocol (APP-signed, root codes) and their success hands out an APP token as well.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tv_logins')
    .addColumn('auth_code', 'text', (c) => c.primaryKey())
    .addColumn('appkey', 'text', (c) => c.notNull())
    .addColumn('state', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mid', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tv_logins_created').on('tv_logins').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tv_logins').execute();
}
