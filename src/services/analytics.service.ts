import { BUCKETS, dayOf } from '../domain/watch-analytics.ts';
import { BiliError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { CatalogService } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import type { OnlineService } from './online.service.ts';

/** Longest range one analytics read may span, days. */
export const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;

export interface DayFigures {
  date: string;
  plays: number;
  viewers: number;
  watch_time: number;
  avg_watch_time: number;
  completed: number;
  quick_exits: number;
}

export interface Totals {
  plays: number;
  /** Sum of the days' unique viewers: one viewer on two days counts twice. */
  viewers: number;
  watch_time: number;
  avg_watch_time: number;
  completed: number;
  completion_rate: number;
  quick_exits: number;
  quick_exit_rate: number;
}

export interface ArchiveAnalytics {
  aid: number;
  cid: number | null;
  from: string;
  to: string;
  totals: Totals;
  days: DayFigures[];
  retention: {
    cid: number;
    duration: number;
    buckets: number;
    plays: number;
    points: { position: number; share: number }[];
  };
  online: { total: number; web: number };
}

export interface UserTotals {
  from: string;
  to: string;
  plays: number;
  watch_time: number;
  days: { date: string; plays: number; watch_time: number }[];
}

export interface CreatorArchive {
  aid: number;
  bvid: string;
  cover: string;
  title: string;
  pubtime: number;
  duration: number;
  plays: number;
  /** ×100 percent: average share of the video a play covered. */
  full_play_ratio: number;
  /** ×100 percent: plays that ended within 3 s. */
  crash_rate: number;
  avg_play_time: number;
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const ratio = (a: number, b: number): number => (b > 0 ? round4(a / b) : 0);
const dateOf = (day: number): string => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** 'YYYY-MM-DD' (UTC) to a day number; a bad date is the caller's -400. */
export function parseDay(value: string, name: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || dateOf(ms / 86_400_000) !== value) {
    throw new BiliError(-400, `${name} must be a date YYYY-MM-DD`);
  }
  return ms / 86_400_000;
}

/**
 * Watch analytics (docs/api/analytics.md): reads of the aggregates the watch batch keeps, so a read
 * costs O(days × buckets) whatever the number of play sessions behind it.
 */
export class AnalyticsService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly catalog: CatalogService,
    private readonly online: OnlineService,
  ) {}

  /** The range in day numbers: default the last 30 days up to today (UTC). */
  range(from: string | undefined, to: string | undefined): { from: number; to: number } {
    const end = to !== undefined ? parseDay(to, 'to') : dayOf(this.clock.nowMs() / 1000);
    const start = from !== undefined ? parseDay(from, 'from') : end - (DEFAULT_RANGE_DAYS - 1);
    if (start > end) throw new BiliError(-400, 'from must not be after to');
    if (end - start + 1 > MAX_RANGE_DAYS)
      throw new BiliError(-400, `a range spans at most ${MAX_RANGE_DAYS} days`);
    return { from: start, to: end };
  }

  async archive(aid: number, q: { from?: string; to?: string; cid?: number }): Promise<ArchiveAnalytics> {
    const { from, to } = this.range(q.from, q.to);
    const { pages } = await this.catalog.getArchive(aid);
    const page = q.cid === undefined ? pages[0] : pages.find((p) => p.cid === q.cid);
    if (!page) throw new BiliError(-404, `cid ${q.cid} is not a part of av${aid}`);
    const [rows, partRows, covered, online] = await Promise.all([
      this.store.analytics.days(aid, q.cid, from, to),
      q.cid === undefined ? this.store.analytics.days(aid, page.cid, from, to) : null,
      this.store.analytics.retention(aid, page.cid, from, to, BUCKETS),
      Promise.all(pages.map((p) => this.online.count(aid, p.cid))),
    ]);
    const byDay = new Map(rows.map((r) => [r.day, r]));
    const days: DayFigures[] = [];
    const sum = { plays: 0, viewers: 0, watch_time: 0, completed: 0, kept: 0 };
    for (let day = from; day <= to; day++) {
      const r = byDay.get(day) ?? { plays: 0, viewers: 0, watch_time: 0, completed: 0, kept: 0 };
      sum.plays += r.plays;
      sum.viewers += r.viewers;
      sum.watch_time += r.watch_time;
      sum.completed += r.completed;
      sum.kept += r.kept;
      days.push({
        date: dateOf(day),
        plays: r.plays,
        viewers: r.viewers,
        watch_time: r.watch_time,
        avg_watch_time: ratio(r.watch_time, r.plays),
        completed: r.completed,
        quick_exits: r.plays - r.kept,
      });
    }
    const partPlays = (partRows ?? rows).reduce((n, r) => n + r.plays, 0);
    const points = [];
    for (let b = 0; b < BUCKETS; b++) {
      points.push({
        position: round4((b * page.duration) / BUCKETS),
        share: ratio(covered[b]!, partPlays),
      });
    }
    return {
      aid,
      cid: q.cid ?? null,
      from: dateOf(from),
      to: dateOf(to),
      totals: {
        plays: sum.plays,
        viewers: sum.viewers,
        watch_time: sum.watch_time,
        avg_watch_time: ratio(sum.watch_time, sum.plays),
        completed: sum.completed,
        completion_rate: ratio(sum.completed, sum.plays),
        quick_exits: sum.plays - sum.kept,
        quick_exit_rate: ratio(sum.plays - sum.kept, sum.plays),
      },
      days,
      retention: { cid: page.cid, duration: page.duration, buckets: BUCKETS, plays: partPlays, points },
      online: {
        total: online.reduce((n, c) => n + c.total, 0),
        web: online.reduce((n, c) => n + c.web, 0),
      },
    };
  }

  /** A user's own plays and watch time per day (the history page). */
  async user(mid: number, q: { from?: string; to?: string }): Promise<UserTotals> {
    const { from, to } = this.range(q.from, q.to);
    const rows = await this.store.analytics.userDays(mid, from, to);
    return {
      from: dateOf(from),
      to: dateOf(to),
      plays: rows.reduce((n, r) => n + r.plays, 0),
      watch_time: rows.reduce((n, r) => n + r.watch_time, 0),
      days: rows.map((r) => ({ date: dateOf(r.day), plays: r.plays, watch_time: r.watch_time })),
    };
  }

  /**
   * The creator's last `size` archives with their all-time figures (`archive_diagnose/compare`): only the
   * caller's own uploads are listed.
   */
  async creatorCompare(mid: number, size: number): Promise<CreatorArchive[]> {
    const aids = await this.store.analytics.recentByOwner(mid, size);
    const today = dayOf(this.clock.nowMs() / 1000);
    return Promise.all(
      aids.map(async (aid) => {
        const { archive } = await this.catalog.getArchive(aid);
        const rows = await this.store.analytics.days(aid, undefined, 0, today);
        const plays = rows.reduce((n, r) => n + r.plays, 0);
        const watch = rows.reduce((n, r) => n + r.watch_time, 0);
        const kept = rows.reduce((n, r) => n + r.kept, 0);
        const avg = plays > 0 ? watch / plays : 0;
        return {
          aid,
          bvid: archive.bvid,
          cover: archive.cover,
          title: archive.title,
          pubtime: archive.pubdate,
          duration: archive.duration,
          plays,
          full_play_ratio:
            archive.duration > 0 ? Math.min(10_000, Math.round((avg / archive.duration) * 10_000)) : 0,
          crash_rate: plays > 0 ? Math.round(((plays - kept) / plays) * 10_000) : 0,
          avg_play_time: Math.round(avg),
        };
      }),
    );
  }
}
