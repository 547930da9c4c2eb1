import { LRUCache } from 'lru-cache';
import { bv2av } from '../domain/bvid.ts';
import { isValidReportedProgress, resumeAtMs, storedProgress } from '../domain/progress.ts';
import { BiliError, badParam } from '../errors.ts';
import type { ArchiveRow, PageRow } from '../store/repositories/archive.repository.ts';
import type { HistoryCursor, HistoryRow, WatchSessionRow } from '../store/repositories/history.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import { createWatchBatchWriter } from '../store/repositories/watch-batch.repository.ts';
import type { WatchWrite } from '../store/repositories/watch-batch.repository.ts';
import type { Store } from '../store/store.ts';
import { WriteBatcher } from '../store/write-batcher.ts';
import type { WriteBatcherOptions } from '../store/write-batcher.ts';
import type { ArchiveWithPages } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';

/** A viewer's play of an archive counts at most once in this window. */
export const PLAY_COUNT_WINDOW_SECONDS = 300;

/** Replay's catalogue holds archives only, so every entry it records has this business. */
export const ARCHIVE_BUSINESS = 'archive';

/** The `business` values of CONTRACT.md §7.1 (cursor) and the `kid` prefixes of §7.3. */
export const BUSINESSES = ['archive', 'pgc', 'live', 'article-list', 'article'] as const;

/** `type` filter of the cursor list → the businesses it shows (pgc is video too). */
const TYPE_FILTER: Record<string, readonly string[] | null> = {
  all: null,
  archive: ['archive', 'pgc'],
  live: ['live'],
  article: ['article', 'article-list'],
};

/** Businesses of the older video-history list (CONTRACT.md §7.2: archive, pgc, cheese). */
const VIDEO_BUSINESSES = ['archive', 'pgc', 'cheese'] as const;

/** Largest value an `integer` column holds; larger positions and durations are refused with -400. */
export const MAX_INT32 = 2_147_483_647;

export interface Viewer {
  mid: number;
  mode: 'cookie' | 'app';
}

export interface ReportInput {
  aid: number;
  cid: number;
  progress?: number | undefined;
  dt: number;
}

export interface HeartbeatInput {
  aid?: number | undefined;
  bvid?: string | undefined;
  cid?: number | undefined;
  played_time?: number | undefined;
  realtime?: number | undefined;
  real_played_time?: number | undefined;
  video_duration?: number | undefined;
  start_ts?: number | undefined;
  dt?: number | undefined;
  play_type?: number | undefined;
  session?: string | undefined;
}

/** A history entry with what the lists show about its archive (null when the archive is gone). */
export interface HistoryEntry {
  row: HistoryRow;
  archive: ArchiveRow | null;
  pages: PageRow[];
  /** The watched part, or null when it no longer exists. */
  page: PageRow | null;
  owner: UserRow | null;
  view: number;
  reply: number;
}

export interface CursorQuery {
  max: number;
  business: string;
  viewAt: number;
  type: string;
  ps: number;
}

export interface CursorPage {
  cursor: { max: number; view_at: number; business: string; ps: number };
  entries: HistoryEntry[];
}

export interface PlayerState extends ArchiveWithPages {
  page: PageRow;
  /** Resume point in ms and its part (CONTRACT.md §8); 0/0 without history. */
  lastPlayTimeMs: number;
  lastPlayCid: number;
}

/**
 * Watch reporting (CONTRACT.md §6), history (§7) and the player's resume point (§8). Heartbeats and
 * reports are acknowledged only after the group-commit batch holding them has committed.
 */
export class HistoryService {
  private readonly batcher: WriteBatcher<WatchWrite>;
  /**
   * Archives change rarely and every heartbeat needs its archive's parts; found archives are cached for a
   * short time (misses are not, so a new archive is usable at once).
   */
  private readonly archives = new LRUCache<number, ArchiveWithPages>({ max: 10_000, ttl: 30_000 });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    batching: WriteBatcherOptions,
  ) {
    const writer = createWatchBatchWriter(store.handle, PLAY_COUNT_WINDOW_SECONDS);
    this.batcher = new WriteBatcher<WatchWrite>((items) => writer.write(items), batching);
  }

  /** `/x/v2/history/report`: the position in one part of an archive. */
  async report(viewer: Viewer, input: ReportInput): Promise<void> {
    const progress = input.progress ?? 0;
    if (!isValidReportedProgress(progress)) throw badParam('progress', '只能是 -1 或不小于 0 的秒数');
    const { archive, pages } = await this.archive(input.aid);
    const page = pages.find((p) => p.cid === input.cid);
    if (!page) throw new BiliError(-404, `cid ${input.cid} 不属于 av${archive.aid}`);
    await this.batcher.enqueue({
      history: this.historyUpsert(viewer.mid, archive, page, progress, input.dt),
    });
  }

  /**
   * `/x/click-interface/web/heartbeat`: records history and the play session's watch time for a signed-in
   * viewer, and counts a play on `play_type=1` (signed in or not, deduplicated per `viewerKey`).
   */
  async heartbeat(mid: number | null, viewerKey: string, input: HeartbeatInput): Promise<void> {
    const progress = input.played_time ?? 0;
    if (!isValidReportedProgress(progress)) throw badParam('played_time', '只能是 -1 或不小于 0 的秒数');
    const { archive, pages } = await this.resolve(input.aid, input.bvid);
    const page = input.cid === undefined ? pages[0] : pages.find((p) => p.cid === input.cid);
    if (!page) throw new BiliError(-404, `cid ${input.cid} 不属于 av${archive.aid}`);
    const now = nowSeconds(this.clock);
    const write: WatchWrite = {};
    if (mid !== null) {
      write.history = this.historyUpsert(mid, archive, page, progress, input.dt ?? 2);
      const startTs = input.start_ts ?? 0;
      write.session = {
        mid,
        session_key: input.session || `${archive.aid}:${page.cid}:${startTs}`,
        aid: archive.aid,
        cid: page.cid,
        start_ts: startTs,
        played_time: progress,
        realtime: input.realtime ?? 0,
        // The docs suggest sending every "played duration" equal; a heartbeat with only `realtime` counts it.
        real_played_time: input.real_played_time ?? input.realtime ?? 0,
        video_duration: input.video_duration ?? page.duration,
        play_type: input.play_type ?? 0,
        at: now,
      };
    }
    if (input.play_type === 1) write.play = { viewer: viewerKey, aid: archive.aid, at: now };
    if (write.history || write.play) await this.batcher.enqueue(write);
  }

  /** `/x/click-interface/click/web/h5`: one play, deduplicated like the heartbeat's. */
  async click(viewerKey: string, aid: number, cid: number | undefined): Promise<void> {
    const { pages } = await this.archive(aid);
    if (cid !== undefined && !pages.some((p) => p.cid === cid)) {
      throw new BiliError(-404, `cid ${cid} 不属于 av${aid}`);
    }
    await this.batcher.enqueue({ play: { viewer: viewerKey, aid, at: nowSeconds(this.clock) } });
  }

  /** `/x/web-interface/history/cursor`. */
  async cursor(mid: number, q: CursorQuery): Promise<CursorPage> {
    if (!(q.type in TYPE_FILTER)) throw badParam('type', '只能是 all、archive、live 或 article');
    if (q.business !== '' && !(BUSINESSES as readonly string[]).includes(q.business)) {
      throw badParam('business', '只能是 archive、pgc、live、article-list 或 article');
    }
    // The cursor names the last item seen; without one (max 0), view_at alone is an upper bound of
    // view time, 0 meaning "now".
    let cursor: HistoryCursor;
    if (q.max > 0) {
      cursor = {
        kind: 'after',
        viewAt: q.viewAt || nowSeconds(this.clock),
        business: q.business,
        kid: q.max,
      };
    } else {
      cursor = { kind: 'at-or-before', viewAt: q.viewAt || Number.MAX_SAFE_INTEGER };
    }
    const rows = await this.store.history.listByCursor(mid, {
      businesses: TYPE_FILTER[q.type] ?? null,
      cursor,
      limit: q.ps,
    });
    const last = rows.at(-1);
    return {
      cursor: last
        ? { max: last.kid, view_at: last.view_at, business: last.business, ps: q.ps }
        : { max: 0, view_at: 0, business: '', ps: q.ps },
      entries: await this.entries(rows),
    };
  }

  /** `/x/v2/history`: page-numbered video history. */
  async list(mid: number, pn: number, ps: number): Promise<HistoryEntry[]> {
    const rows = await this.store.history.listPage(mid, VIDEO_BUSINESSES, (pn - 1) * ps, ps);
    return this.entries(rows);
  }

  /** `/x/v2/history/delete`: `kid` is `{business}_{id}`; deleting an absent entry succeeds. */
  async delete(mid: number, kid: string): Promise<void> {
    const match = /^(archive|pgc|live|article-list|article)_([1-9][0-9]{0,15})$/.exec(kid);
    const id = match ? Number(match[2]) : NaN;
    if (!match || !Number.isSafeInteger(id)) {
      throw badParam('kid', '应为 {business}_{id}，business 为 archive、pgc、live、article 或 article-list');
    }
    await this.store.history.delete(mid, match[1]!, id);
  }

  async clear(mid: number): Promise<void> {
    await this.store.history.clear(mid);
  }

  /** Pausing takes effect inside the batch statements themselves, so no report slips past it. */
  async setPaused(mid: number, paused: boolean): Promise<void> {
    await this.store.history.setPaused(mid, paused, nowSeconds(this.clock));
  }

  isPaused(mid: number): Promise<boolean> {
    return this.store.history.isPaused(mid);
  }

  /** `/x/player/v2`: the archive, the requested part, and the viewer's resume point. */
  async player(mid: number | null, aid: number | undefined, bvid: string | undefined, cid: number) {
    const { archive, pages } = await this.resolve(aid, bvid);
    const page = pages.find((p) => p.cid === cid);
    if (!page) throw new BiliError(-404, `cid ${cid} 不属于 av${archive.aid}`);
    const entry =
      mid === null ? undefined : await this.store.history.find(mid, ARCHIVE_BUSINESS, archive.aid);
    const state: PlayerState = {
      archive,
      pages,
      page,
      lastPlayTimeMs: entry ? resumeAtMs(entry.progress) : 0,
      lastPlayCid: entry ? entry.cid : 0,
    };
    return state;
  }

  /** A user's play sessions (admin API). */
  sessions(mid: number, limit: number, aid?: number): Promise<WatchSessionRow[]> {
    return this.store.history.listSessions(mid, limit, aid);
  }

  /** An archive's counters (admin API); -404 for an unknown archive. */
  async stats(aid: number): Promise<{ aid: number; view: number }> {
    await this.archive(aid);
    const views = await this.store.history.viewCounts([aid]);
    return { aid, view: views.get(aid) ?? 0 };
  }

  /** Writes whatever reports are still gathered; called when the server closes, before the database. */
  drain(): Promise<void> {
    return this.batcher.close();
  }

  private historyUpsert(mid: number, archive: ArchiveRow, page: PageRow, progress: number, dt: number) {
    return {
      mid,
      business: ARCHIVE_BUSINESS,
      kid: archive.aid,
      oid: archive.aid,
      epid: 0,
      cid: page.cid,
      page: page.page,
      progress: storedProgress(progress, page.duration),
      dt,
      view_at: nowSeconds(this.clock),
    };
  }

  /** The archive named by aid, bvid or both (they must agree): -400 without either, -404 if unknown. */
  private async resolve(aid: number | undefined, bvid: string | undefined): Promise<ArchiveWithPages> {
    let target = aid;
    if (bvid !== undefined && bvid !== '') {
      const fromBvid = bv2av(bvid);
      if (fromBvid === null) throw badParam('bvid');
      if (target !== undefined && target !== fromBvid) throw new BiliError(-400, 'aid 与 bvid 不一致');
      target = fromBvid;
    }
    if (target === undefined) throw new BiliError(-400, '缺少参数 aid 或 bvid');
    return this.archive(target);
  }

  private async archive(aid: number): Promise<ArchiveWithPages> {
    const cached = this.archives.get(aid);
    if (cached) return cached;
    const archive = await this.store.archives.findByAid(aid);
    if (!archive) throw new BiliError(-404, `av${aid}`);
    const found = { archive, pages: await this.store.archives.findPages(aid) };
    this.archives.set(aid, found);
    return found;
  }

  private async entries(rows: readonly HistoryRow[]): Promise<HistoryEntry[]> {
    const aids = rows.filter((r) => r.business === ARCHIVE_BUSINESS).map((r) => r.kid);
    const [archives, pagesOf, views, replies] = await Promise.all([
      this.store.archives.findByAids(aids),
      this.store.archives.findPagesOf(aids),
      this.store.history.viewCounts(aids),
      this.store.history.replyCounts(aids),
    ]);
    const owners = await this.store.users.findByMids([...archives.values()].map((a) => a.owner_mid));
    return rows.map((row) => {
      const archive = archives.get(row.kid) ?? null;
      const pages = pagesOf.get(row.kid) ?? [];
      return {
        row,
        archive,
        pages,
        page: pages.find((p) => p.cid === row.cid) ?? null,
        owner: archive ? (owners.get(archive.owner_mid) ?? null) : null,
        view: views.get(row.kid) ?? 0,
        reply: replies.get(row.kid) ?? 0,
      };
    });
  }
}
