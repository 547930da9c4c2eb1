import type { Kysely } from 'kysely';

// Frozen. The counters of rate-limiter-flexible's PostgreSQL store, shared by every node of a cluster. The
// shape is the library's own (`key`, `points`, `expire` in ms); creating it here, not lazily from each
// node, avoids two nodes racing to create it. SQLite deployments are single-node and count in memory.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expire', 'bigint')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limits').execute();
}
