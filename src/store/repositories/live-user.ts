import type { InsertQueryBuilder, InsertResult, Insertable, Kysely } from 'kysely';
import { sql } from 'kysely';
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

type SqlType = 'integer' | 'bigint' | 'text';

/**
 * The row's other columns, each value with the SQL type it is cast to; a column the table needs (no
 * default) must be given, as in an insert of the row itself.
 */
type LiveUserValues<T extends keyof Database> = {
  [K in keyof Omit<Insertable<Database[T]>, 'mid'>]: readonly [
    Exclude<Insertable<Database[T]>[K], undefined>,
    SqlType,
  ];
};

/**
 * `INSERT INTO table (mid, …values) SELECT users.mid, …values FROM liveUserRow`, each value cast to its
 * SQL type (PostgreSQL types a bare parameter of a SELECT as text); the caller adds its ON CONFLICT and
 * runs it, and `written` tells whether the account was live.
 */
export function insertForLiveUser<T extends keyof Database>(
  db: Kysely<Database>,
  postgres: boolean,
  table: T,
  mid: number,
  values: LiveUserValues<T>,
): InsertQueryBuilder<Database, T, InsertResult> {
  const names = Object.keys(values) as (keyof LiveUserValues<T> & string)[];
  const columns = ['mid', ...names] as unknown as Parameters<
    InsertQueryBuilder<Database, T, InsertResult>['columns']
  >[0];
  return db
    .insertInto(table)
    .columns(columns)
    .expression(
      liveUserRow(db, mid, postgres).select([
        'users.mid',
        ...names.map((name) => {
          const [value, type] = values[name];
          return sql`CAST(${value} AS ${sql.raw(type)})`.as(name);
        }),
      ]),
    );
}

/** Whether an `insertForLiveUser` write wrote (or updated) its row: false when the account was not live. */
export function written(result: InsertResult | undefined): boolean {
  return Number(result?.numInsertedOrUpdatedRows ?? 0) > 0;
}
