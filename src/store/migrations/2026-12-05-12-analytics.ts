import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Watch analytics (docs/api/analytics.md): aggregates kept up to date by the watch batch, so a read
// touches only aggregate rows, never the play sessions. Days are UTC day numbers (Unix seconds / 86400).
export async function up(db: Kysely<unknown>): Promise<void> {
  // What the analytics already counted of each signed-in play session: the watch time seen so far, the
  // position buckets the session covered (hex bitmap), which once-per-play counters it has added to, and
  // the last position (to tell continuous playback from a seek).
  await db.schema
    .createTable('analytics_sessions')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('session_key', 'text', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('watched', 'integer', (c) => c.notNull())
    .addColumn('covered', 'text', (c) => c.notNull())
    .addColumn('flags', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_sessions_pk', ['mid', 'session_key'])
    .execute();

  // Per part and day of the plays' start: plays, unique viewers, watch time (s), plays that reached the
  // end, plays that lasted at least 3 s.
  await db.schema
    .createTable('analytics_daily')
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('plays', 'bigint', (c) => c.notNull())
    .addColumn('viewers', 'bigint', (c) => c.notNull())
    .addColumn('watch_time', 'bigint', (c) => c.notNull())
    .addColumn('completed', 'bigint', (c) => c.notNull())
    .addColumn('kept', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_daily_pk', ['aid', 'cid', 'day'])
    .execute();

  // Retention as a difference array: per part, day and position bucket, the plays whose newly covered
  // run of buckets starts here minus those whose run ended just before. The plays that covered bucket b
  // are the prefix sum up to b, so a heartbeat writes two rows per covered run, not one per bucket.
  await db.schema
    .createTable('analytics_retention')
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('delta', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_retention_pk', ['aid', 'cid', 'day', 'bucket'])
    .execute();

  // Who watched a part on a day: written once per new play, only to count each viewer once a day.
  await db.schema
    .createTable('analytics_viewers')
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_viewers_pk', ['aid', 'cid', 'day', 'mid'])
    .execute();

  // Per user and day: the user's own plays and watch time (the history page's totals).
  await db.schema
    .createTable('analytics_users')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('plays', 'bigint', (c) => c.notNull())
    .addColumn('watch_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_users_pk', ['mid', 'day'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('analytics_users').execute();
  await db.schema.dropTable('analytics_viewers').execute();
  await db.schema.dropTable('analytics_retention').execute();
  await db.schema.dropTable('analytics_daily').execute();
  await db.schema.dropTable('analytics_sessions').execute();
}
