import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Web cookie refresh (cookie/info → correspond → cookie/refresh → confirm/refresh). `sessions` already has
// `refresh_token_hash` and `created_at`; a session additionally remembers the refresh_csrf its correspond
// page handed out (hashed, with an expiry) and, once refreshed, which session replaced it until the
// client confirms. An operator may flag a user so that `cookie/info` asks that user's client to refresh.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('refresh_csrf_hash', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('refresh_csrf_expires_at', 'bigint').execute();
  await db.schema.alterTable('sessions').addColumn('superseded_by', 'text').execute();
  // confirm/refresh finds the session it retires by the new session's token hash.
  await db.schema.createIndex('sessions_superseded_by').on('sessions').column('superseded_by').execute();

  await db.schema
    .createTable('cookie_refresh_forced')
    .addColumn('mid', 'bigint', (c) => c.primaryKey().references('users.mid').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('cookie_refresh_forced').execute();
  await db.schema.dropIndex('sessions_superseded_by').execute();
  await db.schema.alterTable('sessions').dropColumn('superseded_by').execute();
  await db.schema.alterTable('sessions').dropColumn('refresh_csrf_expires_at').execute();
  await db.schema.alterTable('sessions').dropColumn('refresh_csrf_hash').execute();
}
