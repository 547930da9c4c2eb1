import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface AnalyticsDayRow {
  day: number;
  plays: number;
  viewers: number;
  watch_time: number;
  completed: number;
  kept: number;
}

export interface UserDayRow {
  day: number;
  plays: number;
  watch_time: number;
}

/**
 * Reads of the watch analytics aggregates (the watch batch writes them, analytics-batch.ts). Every read
 * touches only aggregate rows of the range: O(days) for the counters, O(days × buckets) for retention.
 */
export class AnalyticsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Per day of the range (inclusive), summed over the archive's parts or over one part. */
  async days(aid: number, cid: number | undefined, from: number, to: number): Promise<AnalyticsDayRow[]> {
    let q = this.db
      .selectFrom('analytics_daily')
      .select((eb) => [
        'day',
        eb.fn.sum<number>('plays').as('plays'),
        eb.fn.sum<number>('viewers').as('viewers'),
        eb.fn.sum<number>('watch_time').as('watch_time'),
        eb.fn.sum<number>('completed').as('completed'),
        eb.fn.sum<number>('kept').as('kept'),
      ])
      .where('aid', '=', aid)
      .where('day', '>=', from)
      .where('day', '<=', to);
    if (cid !== undefined) q = q.where('cid', '=', cid);
    const rows = await q.groupBy('day').orderBy('day').execute();
    return rows.map((r) => ({
      day: Number(r.day),
      plays: Number(r.plays),
      viewers: Number(r.viewers),
      watch_time: Number(r.watch_time),
      completed: Number(r.completed),
      kept: Number(r.kept),
    }));
  }

  /**
   * Plays that covered each bucket of one part over the range, `buckets` long: the prefix sums of the
   * stored difference array.
   */
  async retention(aid: number, cid: number, from: number, to: number, buckets: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('analytics_retention')
      .select((eb) => ['bucket', eb.fn.sum<number>('delta').as('delta')])
      .where('aid', '=', aid)
      .where('cid', '=', cid)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy('bucket')
      .execute();
    const steps = new Array<number>(buckets).fill(0);
    for (const r of rows) if (r.bucket >= 0 && r.bucket < buckets) steps[r.bucket] = Number(r.delta);
    let running = 0;
    return steps.map((d) => (running += d));
  }

  async userDays(mid: number, from: number, to: number): Promise<UserDayRow[]> {
    const rows = await this.db
      .selectFrom('analytics_users')
      .select(['day', 'plays', 'watch_time'])
      .where('mid', '=', mid)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .orderBy('day')
      .execute();
    return rows.map((r) => ({
      day: Number(r.day),
      plays: Number(r.plays),
      watch_time: Number(r.watch_time),
    }));
  }

  /** The owner's most recently published archives (the creator-side comparison). */
  async recentByOwner(mid: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('archives')
      .select('aid')
      .where('owner_mid', '=', mid)
      .orderBy('pubdate', 'desc')
      .orderBy('aid', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.aid));
  }
}
