import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Watch reporting and history (CONTRACT.md §6–§8). These tables have no foreign keys on purpose: the
// heartbeat upserts into them on the hottest path of the service, and every row is keyed by a user or an
// archive that Replay never deletes.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One entry per (user, business, kid), remembering the last part watched (DESIGN.md §4).
  await db.schema
    .createTable('history')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('business', 'text', (c) => c.notNull())
    .addColumn('kid', 'bigint', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('epid', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('page', 'integer', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('dt', 'integer', (c) => c.notNull())
    .addColumn('view_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('history_pk', ['mid', 'business', 'kid'])
    .execute();
  // The cursor list walks a user's entries newest first by (view_at, business, kid).
  await db.schema
    .createIndex('history_mid_view_at')
    .on('history')
    .columns(['mid', 'view_at', 'business', 'kid'])
    .execute();

  // "shadow": history recording paused per user (CONTRACT.md §7.5).
  await db.schema
    .createTable('history_prefs')
    .addColumn('mid', 'bigint', (c) => c.primaryKey())
    .addColumn('paused', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per play session (the heartbeat's `session`), accumulating its watch time.
  await db.schema
    .createTable('watch_sessions')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('session_key', 'text', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('start_ts', 'bigint', (c) => c.notNull())
    .addColumn('played_time', 'integer', (c) => c.notNull())
    .addColumn('realtime', 'integer', (c) => c.notNull())
    .addColumn('real_played_time', 'integer', (c) => c.notNull())
    .addColumn('video_duration', 'integer', (c) => c.notNull())
    .addColumn('play_type', 'integer', (c) => c.notNull())
    .addColumn('heartbeats', 'integer', (c) => c.notNull())
    .addColumn('first_at', 'bigint', (c) => c.notNull())
    .addColumn('last_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('watch_sessions_pk', ['mid', 'session_key'])
    .execute();
  await db.schema
    .createIndex('watch_sessions_mid_last_at')
    .on('watch_sessions')
    .columns(['mid', 'last_at'])
    .execute();

  // When a viewer's play of an archive was last counted: at most one per viewer, archive and window.
  await db.schema
    .createTable('play_counts')
    .addColumn('viewer', 'text', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('counted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('play_counts_pk', ['viewer', 'aid'])
    .execute();

  // Per-archive counters, kept in the same transaction as the writes that change them.
  await db.schema
    .createTable('archive_stats')
    .addColumn('aid', 'bigint', (c) => c.primaryKey())
    .addColumn('view', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['archive_stats', 'play_counts', 'watch_sessions', 'history_prefs', 'history']) {
    await db.schema.dropTable(table).execute();
  }
}
