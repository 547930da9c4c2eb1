import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Frozen. The duplicate-comment rule (DESIGN.md §4, 12051) as a constraint: one row per (author, area,
// parent, message digest) holding the time of the last accepted post, claimed by an upsert inside the
// add's own transaction, so identical posts at once, on one node or several, store one comment.
// The message is keyed by its SHA-256 (base64url), not its text: a 1000-character message can exceed
// PostgreSQL's btree entry limit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reply_dedupe')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('parent', 'bigint', (c) => c.notNull())
    .addColumn('digest', 'varchar(64)', (c) => c.notNull())
    .addColumn('ctime', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reply_dedupe_pk', ['mid', 'type', 'oid', 'parent', 'digest'])
    .execute();
  // Expired rows are pruned a few at a time, oldest first.
  await sql`CREATE INDEX reply_dedupe_ctime ON reply_dedupe (ctime)`.execute(db);

  // Comments posted shortly before the upgrade still count: the newest visible comment of each key from
  // the last day (longer windows start afresh at the upgrade). A one-off scan of the table.
  const since = Math.floor(Date.now() / 1000) - 86_400;
  const { rows } = await sql<{
    mid: number | string;
    type: number;
    oid: number | string;
    parent: number | string;
    message: string;
    ctime: number | string;
  }>`SELECT mid, type, oid, parent, message, ctime FROM replies WHERE state = 0 AND ctime >= ${since}`.execute(
    db,
  );
  const newest = new Map<
    string,
    { mid: number; type: number; oid: number; parent: number; digest: string; ctime: number }
  >();
  for (const row of rows) {
    const entry = {
      mid: Number(row.mid),
      type: Number(row.type),
      oid: Number(row.oid),
      parent: Number(row.parent),
      digest: createHash('sha256').update(row.message).digest('base64url'),
      ctime: Number(row.ctime),
    };
    const key = `${entry.mid}/${entry.type}/${entry.oid}/${entry.parent}/${entry.digest}`;
    const seen = newest.get(key);
    if (!seen || seen.ctime < entry.ctime) newest.set(key, entry);
  }
  const entries = [...newest.values()];
  for (let i = 0; i < entries.length; i += 500) {
    await (db as Kysely<{ reply_dedupe: (typeof entries)[number] }>)
      .insertInto('reply_dedupe')
      .values(entries.slice(i, i + 500))
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reply_dedupe').execute();
}
