import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. The message center (CONTRACT.md §15, DESIGN.md §9): notices are rows written in the same
// transaction as the comment or vote that caused them.
// - `notices`: one row per reply / @ event and recipient; every feed page is a keyset range of
//   (recipient_mid, kind, time, id), so a page costs O(page) at any inbox size.
// - `like_notices`: one card per liked comment (likes aggregate), keyset (recipient_mid, like_time, id);
//   the likers themselves are the `reply_votes` rows, read newest first through `reply_votes_recent`.
// - `notice_views`: when each user last opened each feed (unread = newer than that).
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // Ids only grow (SQLite AUTOINCREMENT never reuses a deleted row's id), so a cursor never meets a
  // recycled id.
  const id = postgres ? sql`id bigserial PRIMARY KEY` : sql`id integer PRIMARY KEY AUTOINCREMENT`;

  await sql`CREATE TABLE notices (
    ${id},
    recipient_mid bigint NOT NULL,
    kind integer NOT NULL,
    time bigint NOT NULL,
    actor_mid bigint NOT NULL,
    type integer NOT NULL,
    oid bigint NOT NULL,
    root bigint NOT NULL,
    source_rpid bigint NOT NULL,
    target_rpid bigint NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX notices_feed ON notices (recipient_mid, kind, time, id)`.execute(db);
  // Deleting a comment deletes the notices it caused.
  await sql`CREATE INDEX notices_source ON notices (source_rpid)`.execute(db);

  await sql`CREATE TABLE like_notices (
    ${id},
    recipient_mid bigint NOT NULL,
    rpid bigint NOT NULL UNIQUE,
    type integer NOT NULL,
    oid bigint NOT NULL,
    like_time bigint NOT NULL,
    counts integer NOT NULL,
    muted integer NOT NULL DEFAULT 0
  )`.execute(db);
  await sql`CREATE INDEX like_notices_feed ON like_notices (recipient_mid, like_time, id)`.execute(db);

  await db.schema
    .createTable('notice_views')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('feed', 'integer', (c) => c.notNull())
    .addColumn('last_view_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notice_views_pk', ['mid', 'feed'])
    .execute();

  // The latest likers of a comment, and everyone who liked it, newest first (like feed, like_detail).
  await sql`CREATE INDEX reply_votes_recent ON reply_votes (rpid, value, created_at, mid)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX reply_votes_recent`.execute(db);
  for (const table of ['notice_views', 'like_notices', 'notices']) {
    await db.schema.dropTable(table).execute();
  }
}
