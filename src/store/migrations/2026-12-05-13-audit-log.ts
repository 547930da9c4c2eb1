import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

// Frozen. The moderation console (docs/api/admin.md, "Moderation console"):
// - `audit_log`: one row per moderator action, written in the action's own transaction; listed newest
//   first by id.
// - Keyset indexes of the admin lists, newest (highest rpid) first: by author, by area, by state, and the
//   report queue grouped by comment. The time-ordered `replies_author (mid, ctime)` cannot serve an rpid
//   keyset, hence a separate one.
// - On PostgreSQL the name-prefix search of users needs a byte-order (`C`) index: the unique index on
//   `uname` follows the database collation, where a prefix is not one contiguous range. SQLite's unique
//   index already compares bytes.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = postgres ? sql`id bigserial PRIMARY KEY` : sql`id integer PRIMARY KEY AUTOINCREMENT`;
  await sql`CREATE TABLE audit_log (
    ${id},
    at bigint NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text NOT NULL,
    detail text NOT NULL DEFAULT '{}'
  )`.execute(db);
  await sql`CREATE INDEX replies_admin_author ON replies (mid, rpid)`.execute(db);
  await sql`CREATE INDEX replies_admin_area ON replies (type, oid, rpid)`.execute(db);
  await sql`CREATE INDEX replies_admin_state ON replies (state, rpid)`.execute(db);
  await sql`CREATE INDEX reply_reports_by_comment ON reply_reports (status, rpid)`.execute(db);
  if (postgres) await sql`CREATE INDEX users_uname_bytes ON users (uname COLLATE "C")`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'users_uname_bytes',
    'reply_reports_by_comment',
    'replies_admin_state',
    'replies_admin_area',
    'replies_admin_author',
  ]) {
    await sql`DROP INDEX IF EXISTS ${sql.raw(index)}`.execute(db);
  }
  await db.schema.dropTable('audit_log').execute();
}
