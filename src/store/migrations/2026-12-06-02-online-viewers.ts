import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// Viewers online now across nodes (docs/api/online-and-toview.md): instead of per-node counts, which
// counted a viewer whose heartbeats alternate between nodes once per node, each node publishes the
// viewers it saw (a hashed viewer id per part) with when it last saw them and when it saw them end, and a
// read counts distinct viewers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('online_counts').execute();
  await db.schema
    .createTable('online_viewers')
    .addColumn('aid', 'bigint', (c) => c.notNull())
    .addColumn('cid', 'bigint', (c) => c.notNull())
    // A 52-bit hash of the viewer key (user, device or address): no identity is stored.
    .addColumn('viewer', 'bigint', (c) => c.notNull())
    .addColumn('node', 'text', (c) => c.notNull())
    // The publishing node's clock, Unix seconds: the viewer's last live heartbeat there (0 = none) and
    // its ending heartbeat there (0 = none).
    .addColumn('seen', 'bigint', (c) => c.notNull())
    .addColumn('ended', 'bigint', (c) => c.notNull())
    .addColumn('web', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('online_viewers_pk', ['aid', 'cid', 'viewer', 'node'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('online_viewers').execute();
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
}
