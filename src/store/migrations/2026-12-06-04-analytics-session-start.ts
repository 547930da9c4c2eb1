import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// When each analytics play session began (Unix seconds of its first analysed heartbeat): a session counts
// at most the wall time since then as watch time (domain/watch-analytics.ts), so a forged
// `real_played_time` cannot inflate an archive's figures. Sessions recorded before have 0: no bound.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('analytics_sessions')
    .addColumn('started', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('analytics_sessions').dropColumn('started').execute();
}
