import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Viewers online now (cluster mode), the watch-later list, and the address of anonymous plays
// (docs/api/online-and-toview.md, docs/api/watch-and-history.md).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Each node's live viewer counts per part, rewritten by that node every few seconds; `at` is the
  // publishing node's clock, so rows of a node that stopped publishing fall out of every read.
  await db.schema
    .createTable('online_counts')
    .addColumn('node', 'text', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('web', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('online_counts_pk', ['node', 'aid', 'cid'])
    .execute();
  await db.schema.createIndex('online_counts_part').on('online_counts').columns(['aid', 'cid']).execute();

  // Watch-later ("稍后再看"): one row per (user, archive), listed newest addition first.
  await db.schema
    .createTable('toview')
    .addColumn('mid', 'bigint', (c) => c.notNull())
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('add_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('toview_pk', ['mid', 'aid'])
    .execute();
  await db.schema.createIndex('toview_mid_add_at').on('toview').columns(['mid', 'add_at']).execute();

  // The address an anonymous play was counted from ('' for a signed-in viewer): the per-address cap
  // counts an archive's recent anonymous plays from one address through this index.
  await db.schema
    .alterTable('play_counts')
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('play_counts_address')
    .on('play_counts')
    .columns(['address', 'aid', 'counted_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('play_counts_address').execute();
  await db.schema.alterTable('play_counts').dropColumn('address').execute();
  await db.schema.dropTable('toview').execute();
  await db.schema.dropTable('online_counts').execute();
}
