import type { Insertable, Transaction } from 'kysely';
import { resyncSequences } from '../dump/dump.ts';
import { TABLES } from '../dump/tables.ts';
import type { Database } from '../schema.ts';
import type { Repositories } from '../store.ts';

/** Rows of a fixture, per table. */
export type FixtureRows = { [T in keyof Database]?: Insertable<Database[T]>[] };

const BATCH = 200;

/** Inserts the rows in `tx`, parents first (the dump's table order), in the caller's transaction. */
export async function insertFixtureRows(tx: Repositories, rows: FixtureRows): Promise<void> {
  for (const table of Object.keys(TABLES) as (keyof Database)[]) {
    const list = rows[table] as Insertable<Database[typeof table]>[] | undefined;
    if (!list?.length) continue;
    for (let i = 0; i < list.length; i += BATCH) {
      await tx.db
        .insertInto(table)
        .values(list.slice(i, i + BATCH))
        .execute();
    }
  }
  // PostgreSQL hands out rpids (and serial ids) from sequences: move them past the fixture's fixed ids.
  if (tx.dialect === 'postgres') await resyncSequences(tx.db as unknown as Transaction<unknown>);
}
