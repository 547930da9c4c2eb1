import type { Kysely } from 'kysely';

// Frozen: a released migration is never edited; later changes come as new dated files.
//
// The shared toolkit journal (cluster mode) keeps its newest entries by arrival: nodes now write their
// entries when a journal read gathers them, a whole backlog per node at once, so the ids follow the order
// of those writes and no longer the order the requests arrived in. `time` is the entry's arrival (Unix ms).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('toolkit_journal')
    .addColumn('time', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('toolkit_journal_time').on('toolkit_journal').columns(['time', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('toolkit_journal_time').execute();
  await db.schema.alterTable('toolkit_journal').dropColumn('time').execute();
}
