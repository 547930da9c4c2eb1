import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import type { Database } from '../schema.ts';
import { insertForLiveUser, written } from './live-user.ts';
import type { ToviewTable } from '../tables/online.tables.ts';
import type { HistoryRow } from './history.repository.ts';

export type ToviewRow = Selectable<ToviewTable>;

/** `progress` of a finished history entry (DESIGN.md §4). */
const FINISHED = -1;

/** Watch-later rows (CONTRACT.md §17); every list is newest addition first. */
export class ToviewRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  list(mid: number): Promise<ToviewRow[]> {
    return this.db
      .selectFrom('toview')
      .selectAll()
      .where('mid', '=', mid)
      .orderBy('add_at', 'desc')
      .orderBy('aid', 'desc')
      .execute();
  }

  async count(mid: number): Promise<number> {
    const row = await this.db
      .selectFrom('toview')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('mid', '=', mid)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The user's archive history entries of these archives: where `progress` and the watched part come from. */
  async historyOf(mid: number, aids: readonly number[]): Promise<Map<number, HistoryRow>> {
    if (aids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('history')
      .selectAll()
      .where('mid', '=', mid)
      .where('business', '=', 'archive')
      .where('kid', 'in', [...new Set(aids)])
      .execute();
    return new Map(rows.map((r) => [r.kid, r]));
  }

  find(mid: number, aid: number): Promise<ToviewRow | undefined> {
    return this.db
      .selectFrom('toview')
      .selectAll()
      .where('mid', '=', mid)
      .where('aid', '=', aid)
      .executeTakeFirst();
  }

  /**
   * Adds, or moves an archive already listed to the top; call inside a transaction with the limit check.
   * False when `mid` is no live account (`liveUserRow`: an add racing the account's deletion, from a
   * session another node still holds for a moment, writes nothing).
   */
  async upsert(mid: number, aid: number, addAt: number): Promise<boolean> {
    const result = await insertForLiveUser(this.db, this.postgres, 'toview', mid, {
      aid: [aid, 'bigint'],
      add_at: [addAt, 'bigint'],
    })
      .onConflict((oc) => oc.columns(['mid', 'aid']).doUpdateSet({ add_at: addAt }))
      .executeTakeFirst();
    return written(result);
  }

  async remove(mid: number, aids: readonly number[]): Promise<number> {
    if (aids.length === 0) return 0;
    const result = await this.db
      .deleteFrom('toview')
      .where('mid', '=', mid)
      .where('aid', 'in', [...new Set(aids)])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async clear(mid: number): Promise<number> {
    const result = await this.db.deleteFrom('toview').where('mid', '=', mid).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes the archives the user has watched to the end: their history entry says finished (-1). */
  async removeWatched(mid: number): Promise<number> {
    const result = await this.db
      .deleteFrom('toview')
      .where('mid', '=', mid)
      .where('aid', 'in', (eb) =>
        eb
          .selectFrom('history')
          .select('kid')
          .where('mid', '=', mid)
          .where('business', '=', 'archive')
          .where('progress', '=', FINISHED),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes the archives that no longer exist or are not in a viewable state (state < 0). */
  async removeInvalid(mid: number): Promise<number> {
    const result = await this.db
      .deleteFrom('toview')
      .where('mid', '=', mid)
      .where('aid', 'not in', (eb) => eb.selectFrom('archives').select('aid').where('state', '>=', 0))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
