import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../database.ts';
import { ARCHIVE_AREA_TYPE } from '../../domain/area-types.ts';
import type { Database } from '../schema.ts';
import { insertForLiveUser, written } from './live-user.ts';
import type { HistoryTable, WatchSessionsTable } from '../tables/history.tables.ts';

export type HistoryRow = Selectable<HistoryTable>;
export type WatchSessionRow = Selectable<WatchSessionsTable>;

/** Where a cursor page starts: strictly after the last item seen, or at a view time (inclusive). */
export type HistoryCursor =
  { kind: 'after'; viewAt: number; business: string; kid: number } | { kind: 'at-or-before'; viewAt: number };

/**
 * Reads and management of watch history. The hot-path writes (heartbeat, report) go through
 * `watch-batch.repository.ts` instead. Every list is newest first by (view_at, business, kid), the
 * order of the `history_mid_view_at` index.
 */
export class HistoryRepository {
  private readonly postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
  ) {
    this.postgres = dialect === 'postgres';
  }

  find(mid: number, business: string, kid: number): Promise<HistoryRow | undefined> {
    return this.db
      .selectFrom('history')
      .selectAll()
      .where('mid', '=', mid)
      .where('business', '=', business)
      .where('kid', '=', kid)
      .executeTakeFirst();
  }

  listByCursor(
    mid: number,
    options: { businesses: readonly string[] | null; cursor: HistoryCursor; limit: number },
  ): Promise<HistoryRow[]> {
    let query = this.db.selectFrom('history').selectAll().where('mid', '=', mid);
    if (options.businesses) query = query.where('business', 'in', [...options.businesses]);
    const c = options.cursor;
    query =
      c.kind === 'after'
        ? query.where((eb) =>
            eb(eb.refTuple('view_at', 'business', 'kid'), '<', eb.tuple(c.viewAt, c.business, c.kid)),
          )
        : query.where('view_at', '<=', c.viewAt);
    return query
      .orderBy('view_at', 'desc')
      .orderBy('business', 'desc')
      .orderBy('kid', 'desc')
      .limit(options.limit)
      .execute();
  }

  listPage(mid: number, businesses: readonly string[], offset: number, limit: number): Promise<HistoryRow[]> {
    return this.db
      .selectFrom('history')
      .selectAll()
      .where('mid', '=', mid)
      .where('business', 'in', [...businesses])
      .orderBy('view_at', 'desc')
      .orderBy('business', 'desc')
      .orderBy('kid', 'desc')
      .offset(offset)
      .limit(limit)
      .execute();
  }

  async delete(mid: number, business: string, kid: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('history')
      .where('mid', '=', mid)
      .where('business', '=', business)
      .where('kid', '=', kid)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async clear(mid: number): Promise<number> {
    const result = await this.db.deleteFrom('history').where('mid', '=', mid).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async isPaused(mid: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('history_prefs')
      .select('paused')
      .where('mid', '=', mid)
      .executeTakeFirst();
    return row?.paused === 1;
  }

  /**
   * False when `mid` is no live account (`liveUserRow`): a deleted account's history stays paused
   * (AccountRepository.erasePersonalData), even against a session another node still has cached.
   */
  async setPaused(mid: number, paused: boolean, now: number): Promise<boolean> {
    const value = paused ? 1 : 0;
    const result = await insertForLiveUser(this.db, this.postgres, 'history_prefs', mid, {
      paused: [value, 'integer'],
      updated_at: [now, 'bigint'],
    })
      .onConflict((oc) => oc.column('mid').doUpdateSet({ paused: value, updated_at: now }))
      .executeTakeFirst();
    return written(result);
  }

  async viewCounts(aids: readonly number[]): Promise<Map<number, number>> {
    if (aids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('archive_stats')
      .select(['aid', 'view'])
      .where('aid', 'in', [...new Set(aids)])
      .execute();
    return new Map(rows.map((r) => [r.aid, Number(r.view)]));
  }

  /** `stat.reply` of archives: every visible comment of their comment areas (type 1, oid = aid). */
  async replyCounts(aids: readonly number[]): Promise<Map<number, number>> {
    if (aids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('areas')
      .select(['oid', 'all_count'])
      .where('type', '=', ARCHIVE_AREA_TYPE)
      .where('oid', 'in', [...new Set(aids)])
      .execute();
    return new Map(rows.map((r) => [r.oid, Number(r.all_count)]));
  }

  /** A user's play sessions, most recently active first. */
  listSessions(mid: number, limit: number, aid?: number): Promise<WatchSessionRow[]> {
    let query = this.db.selectFrom('watch_sessions').selectAll().where('mid', '=', mid);
    if (aid !== undefined) query = query.where('aid', '=', aid);
    return query.orderBy('last_at', 'desc').orderBy('session_key').limit(limit).execute();
  }
}
