import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * The row of `mid` while the account is not deleted, as the source of an `INSERT … SELECT`: a per-user
 * setting written from it is written only for a live account, checked by the write itself, so a change
 * racing the account's deletion writes nothing. On PostgreSQL the row is read `FOR SHARE`: a deletion
 * holding its lock (AccountService marks the row first) is waited for, and then its `deleted` is seen.
 */
export function liveUserRow(db: Kysely<Database>, mid: number, postgres: boolean) {
  const row = db.selectFrom('users').where('users.mid', '=', mid).where('users.deleted', '=', 0);
  return postgres ? row.forShare() : row;
}
