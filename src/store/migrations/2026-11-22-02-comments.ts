import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from 'kysely';

/** The first rpid handed out: real rpids are around 1e11 (CONTRACT.md §2.1). */
export const FIRST_RPID = 100_000_000_001;

// Frozen: a released migration is never edited; later changes come as new dated files.
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .alterTable('areas')
    .addColumn('root_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('areas')
    .addColumn('all_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('areas')
    .addColumn('root_floor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('replies')
    .addColumn('rpid', 'bigint', (c) => c.primaryKey())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('root', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('parent', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('dialog', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('floor', 'bigint', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('plat', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('mentions', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('hate_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rcount', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('up_like', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('up_reply', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ctime', 'bigint', (c) => c.notNull())
    .execute();
  // The listing indexes of DESIGN.md §5: every order a list can ask for is an index range scan of one
  // (area, root) prefix, so a page costs O(page) whatever the area size. Deleted rows sit outside the
  // `state = 0` prefix.
  await sql`CREATE INDEX replies_time ON replies (type, oid, root, state, floor)`.execute(db);
  await sql`CREATE INDEX replies_heat ON replies (type, oid, root, state, like_count DESC, floor)`.execute(
    db,
  );
  await sql`CREATE INDEX replies_busy ON replies (type, oid, root, state, rcount DESC, floor)`.execute(db);
  await sql`CREATE INDEX replies_dialog ON replies (dialog, state, floor)`.execute(db);
  await sql`CREATE INDEX replies_author ON replies (mid, ctime)`.execute(db);
  // One pinned comment per area, enforced by the database so two nodes cannot both pin.
  await sql`CREATE UNIQUE INDEX replies_one_pin ON replies (type, oid) WHERE pinned = 1`.execute(db);

  if (postgres) {
    // A sequence hands out rpids without serialising inserts of different areas; SQLite writes are
    // serialised anyway and allocate max + 1.
    await sql`CREATE SEQUENCE replies_rpid_seq START WITH ${sql.lit(FIRST_RPID)}`.execute(db);
  }

  await db.schema
    .createTable('reply_votes')
    .addColumn('rpid', 'bigint', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('value', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('reply_votes_pk', ['rpid', 'mid'])
    .execute();

  await db.schema
    .createTable('reply_reports')
    .addColumn('rpid', 'bigint', (c) => c.notNull())
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('oid', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolved_at', 'bigint')
    .addPrimaryKeyConstraint('reply_reports_pk', ['rpid', 'mid'])
    .execute();
  await db.schema
    .createIndex('reply_reports_queue')
    .on('reply_reports')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['reply_reports', 'reply_votes', 'replies']) {
    await db.schema.dropTable(table).execute();
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`DROP SEQUENCE IF EXISTS replies_rpid_seq`.execute(db);
  }
  for (const column of ['root_floor', 'all_count', 'root_count']) {
    await db.schema.alterTable('areas').dropColumn(column).execute();
  }
}
