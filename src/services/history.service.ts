import { shownUsers } from '../domain/account-rules.ts';
import { LRUCache } from 'lru-cache';
import { bv2av } from '../domain/bvid.ts';
import { isValidReportedProgress, resumeAtMs, storedProgress } from '../domain/progress.ts';
import { CHEESE_BUSINESS, EPISODE_PLAY_TYPE, LESSON_PLAY_TYPE, PGC_BUSINESS } from '../domain/season.ts';
import { BiliError, badParam } from '../errors.ts';
import type { ArchiveRow, PageRow } from '../store/repositories/archive.repository.ts';
import type { HistoryCursor, HistoryRow, WatchSessionRow } from '../store/repositories/history.repository.ts';
import type { EpisodeRow, SeasonRow } from '../store/repositories/season.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { PlayCount, WatchWrite } from '../store/repositories/watch-batch.repository.ts';
import type { HistorySearchFilter } from '../store/repositories/history-search.repository.ts';
import type { BatchingOptions, Store, WatchWrites } from '../store/store.ts';
import type { OutboxService } from './outbox.service.ts';
import type { ArchiveWithPages } from './catalog.service.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import type { OnlineService } from './online.service.ts';
import { NO_EVENTS } from './toolkit/events.ts';
import type { DomainEvents } from './toolkit/events.ts';

/** A viewer's play of an archive counts at most once in this window. */
export const PLAY_COUNT_WINDOW_SECONDS = 300;

/** The business of a user upload's history entry (episodes and lessons have `pgc` and `cheese`). */
export const ARCHIVE_BUSINESS = 'archive';

/** The `business` values of CONTRACT.md §7.1 (cursor) and the `kid` prefixes of §7.3. */
export const BUSINESSES = ['archive', 'pgc', 'live', 'article-list', 'article'] as const;

/**
 * `type` filter of the cursor list → the businesses it shows (pgc is video too). Course entries
 * (`cheese`) are not among §7.1's businesses: they show in the older list only (§7.2).
 */
const TYPE_FILTER: Record<string, readonly string[]> = {
  all: BUSINESSES,
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
  /** 3 archive, 4 season episode, 10 course lesson; with `epid`/`sid` when the client sends them. */
  type?: number | undefined;
  epid?: number | undefined;
  sid?: number | undefined;
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
  type?: number | undefined;
  epid?: number | undefined;
  sid?: number | undefined;
}

/** The season (or course) of a pgc/cheese entry, the episode watched last and all its episodes. */
export interface EntrySeason {
  season: SeasonRow;
  episode: EpisodeRow | null;
  episodes: EpisodeRow[];
}

/** An archive as the watch path caches it: with the episodes its parts carry. */
interface CachedArchive extends ArchiveWithPages {
  episodes: EpisodeRow[];
}

/** What a play report is about: the archive part, and the episode it carries (if any). */
interface PlayTarget extends CachedArchive {
  page: PageRow;
  episode: EpisodeRow | null;
}

/** What a report or heartbeat names of the thing played. */
interface TargetInput {
  aid?: number | undefined;
  bvid?: string | undefined;
  cid?: number | undefined;
  type?: number | undefined;
  epid?: number | undefined;
  sid?: number | undefined;
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
  /** For `pgc` and `cheese` entries; null for archives (and for a season no longer in the catalogue). */
  season: EntrySeason | null;
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
  /** The store's group commit of watch writes (it flushes and drains them, not this service). */
  private readonly batcher: WatchWrites;
  /**
   * Archives change rarely and every heartbeat needs its archive's parts; found archives are cached for a
   * short time (misses are not, so a new archive is usable at once).
   */
  private readonly archives = new LRUCache<number, CachedArchive>({ max: 10_000, ttl: 30_000 });
  /** Episodes named by `epid` in heartbeats, by `business:epid`; cached like archives. */
  private readonly episodes = new LRUCache<string, EpisodeRow>({ max: 10_000, ttl: 30_000 });
  /** The toolkit journal's event bus (services.ts sets it). */
  events: DomainEvents = NO_EVENTS;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    batching: BatchingOptions,
    /** Viewers online now (fed by every heartbeat) and the per-address cap of anonymous plays. */
    private readonly watch: {
      online?: OnlineService;
      anonymousPlayCap?: number;
      outbox?: OutboxService;
      /** Record watch analytics (the `watchAnalytics` setting); default on. */
      analytics?: boolean;
    } = {},
  ) {
    this.batcher = store.createWatchWrites({
      batching,
      playWindowSeconds: PLAY_COUNT_WINDOW_SECONDS,
      anonymousCap: watch.anonymousPlayCap ?? 0,
      analytics: watch.analytics ?? true,
    });
  }

  /** `/x/v2/history/report`: the position in one part of an archive. */
  async report(viewer: Viewer, input: ReportInput): Promise<void> {
    const progress = input.progress ?? 0;
    if (!isValidReportedProgress(progress)) throw badParam('progress', '只能是 -1 或不小于 0 的秒数');
    const found = this.target(input);
    const target = found instanceof Promise ? await found : found;
    const history = this.historyUpsert(viewer.mid, target, progress, input.dt);
    // One Set lookup while no webhook endpoint wants history events (the report costs what it did).
    const event = this.watch.outbox?.wantsHistory
      ? this.watch.outbox.historyRow('history.report', { ...history })
      : undefined;
    await this.batcher.enqueue(event ? { history, event } : { history });
  }

  /**
   * `/x/click-interface/web/heartbeat`: records history and the play session's watch time for a signed-in
   * viewer, and counts a play on `play_type=1` (signed in or not, deduplicated per `viewerKey`; anonymous
   * plays capped per `address`). Every heartbeat also updates the in-memory online count.
   */
  async heartbeat(mid: number | null, viewerKey: string, input: HeartbeatInput, address = ''): Promise<void> {
    const progress = input.played_time ?? 0;
    if (!isValidReportedProgress(progress)) throw badParam('played_time', '只能是 -1 或不小于 0 的秒数');
    const found = this.target(input);
    const target = found instanceof Promise ? await found : found;
    const { archive, page } = target;
    this.watch.online?.beat(archive.aid, page.cid, viewerKey, {
      playType: input.play_type,
      playedTime: input.played_time,
      dt: input.dt,
    });
    const now = nowSeconds(this.clock);
    const write: WatchWrite = {};
    if (mid !== null) {
      write.history = this.historyUpsert(mid, target, progress, input.dt ?? 2);
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
    } else if (this.watch.analytics ?? true) {
      // An anonymous viewer's session feeds only the watch analytics (counted once its play is).
      write.guest = {
        viewer: viewerKey,
        session_key: input.session || `${archive.aid}:${page.cid}:${input.start_ts ?? 0}`,
        aid: archive.aid,
        cid: page.cid,
        played_time: progress,
        real_played_time: input.real_played_time ?? input.realtime ?? 0,
        video_duration: input.video_duration ?? page.duration,
        at: now,
      };
    }
    if (input.play_type === 1) write.play = this.play(mid, viewerKey, archive.aid, now, address);
    if (this.watch.outbox?.wantsHistory && write.history) {
      write.event = this.watch.outbox.historyRow('history.heartbeat', {
        ...write.history,
        session: write.session?.session_key ?? '',
        play_type: input.play_type ?? 0,
      });
    }
    if (write.history || write.play || write.guest) await this.batcher.enqueue(write);
    if (this.events.active)
      this.events.emit('heartbeat.stored', mid ?? 0, {
        aid: archive.aid,
        cid: page.cid,
        played_time: progress,
        play_type: input.play_type ?? 0,
      });
  }

  /** `/x/click-interface/click/web/h5`: one play, deduplicated like the heartbeat's. */
  async click(viewerKey: string, aid: number, cid: number | undefined, address = ''): Promise<void> {
    const { pages } = await this.archive(aid);
    if (cid !== undefined && !pages.some((p) => p.cid === cid)) {
      throw new BiliError(-404, `cid ${cid} 不属于 av${aid}`);
    }
    const mid = viewerKey.startsWith('m:') ? Number(viewerKey.slice(2)) : null;
    await this.batcher.enqueue({ play: this.play(mid, viewerKey, aid, nowSeconds(this.clock), address) });
  }

  /** A play to count: a signed-in viewer's carries no address, so only anonymous plays meet the cap. */
  private play(mid: number | null, viewer: string, aid: number, at: number, address: string): PlayCount {
    return { viewer, aid, at, address: mid === null ? address : '' };
  }

  /**
   * `/x/web-interface/history/search`: the user's entries matching the keyword and filters, newest first,
   * with the total number of matches.
   */
  async search(
    filter: Omit<HistorySearchFilter, 'offset' | 'limit'>,
    pn: number,
    ps: number,
  ): Promise<{ total: number; entries: HistoryEntry[] }> {
    const { total, rows } = await this.store.historySearch.search({
      ...filter,
      offset: (pn - 1) * ps,
      limit: ps,
    });
    return { total, entries: await this.entries(rows) };
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
      businesses: TYPE_FILTER[q.type] ?? BUSINESSES,
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
    const match = /^(archive|pgc|cheese|live|article-list|article)_([1-9][0-9]{0,15})$/.exec(kid);
    const id = match ? Number(match[2]) : NaN;
    if (!match || !Number.isSafeInteger(id)) {
      throw badParam(
        'kid',
        '应为 {business}_{id}，business 为 archive、pgc、cheese、live、article 或 article-list',
      );
    }
    await this.store.history.delete(mid, match[1]!, id);
  }

  async clear(mid: number): Promise<void> {
    await this.store.history.clear(mid);
  }

  /** Pausing takes effect inside the batch statements themselves, so no report slips past it. */
  async setPaused(mid: number, paused: boolean): Promise<void> {
    if (!(await this.store.history.setPaused(mid, paused, nowSeconds(this.clock)))) {
      throw new BiliError(-626, `mid ${mid}`);
    }
  }

  isPaused(mid: number): Promise<boolean> {
    return this.store.history.isPaused(mid);
  }

  /**
   * `/x/player/v2`: the archive, the requested part, and the viewer's resume point: the archive's entry,
   * or the season's when the part carries an episode (`season_id`/`ep_id`, when sent, must name it).
   */
  async player(
    mid: number | null,
    aid: number | undefined,
    bvid: string | undefined,
    cid: number,
    season?: { seasonId?: number | undefined; epid?: number | undefined },
  ) {
    const { archive, pages, episodes } = await this.resolve(aid, bvid);
    const page = pages.find((p) => p.cid === cid);
    if (!page) throw new BiliError(-404, `cid ${cid} 不属于 av${archive.aid}`);
    const episode = episodes.find((e) => e.cid === cid) ?? null;
    if (season?.epid && season.epid !== episode?.epid) throw new BiliError(-400, 'ep_id 与 cid 不一致');
    if (season?.seasonId && season.seasonId !== episode?.season_id) {
      throw new BiliError(-400, 'season_id 与 cid 不一致');
    }
    const entry =
      mid === null
        ? undefined
        : episode
          ? await this.store.history.find(mid, episode.business, episode.season_id)
          : await this.store.history.find(mid, ARCHIVE_BUSINESS, archive.aid);
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

  /** Forgets cached archives whose parts now carry episodes (the season catalogue changed). */
  forgetArchives(aids: readonly number[]): void {
    for (const aid of aids) this.archives.delete(aid);
  }

  /** Forgets every cached archive and episode (a toolkit reset or restore replaced the catalogue). */
  forgetCaches(): void {
    this.archives.clear();
    this.episodes.clear();
  }

  /**
   * The part a report is about and the episode it carries. With `epid` the episode decides (its season
   * must be `sid`, its archive and part `aid`/`cid` when sent); otherwise the archive part does, and an
   * episode's part is recorded under its season whatever the `type`. `type` 4 / 10 insist on a season
   * episode / course lesson. Unknown ids are -404; ids that disagree are -400.
   */
  private target(input: TargetInput): PlayTarget | Promise<PlayTarget> {
    const wanted =
      input.type === LESSON_PLAY_TYPE
        ? CHEESE_BUSINESS
        : input.type === EPISODE_PLAY_TYPE
          ? PGC_BUSINESS
          : null;
    const epid = input.epid || undefined;
    if (epid !== undefined) return this.episodeTarget(input, epid, wanted);
    // A cached archive (every report and heartbeat but the first of each archive in 30 s) answers
    // without a promise: the lookup was three nested async calls per request.
    const found = this.resolve(input.aid, input.bvid);
    return found instanceof Promise
      ? found.then((f) => this.partTarget(input, f, wanted))
      : this.partTarget(input, found, wanted);
  }

  /** target() of an archive part (no `epid`): the part by `cid` (the first without one). */
  private partTarget(input: TargetInput, found: CachedArchive, wanted: string | null): PlayTarget {
    const { archive, pages } = found;
    const page = input.cid === undefined ? pages[0] : pages.find((p) => p.cid === input.cid);
    if (!page) throw new BiliError(-404, `cid ${input.cid} 不属于 av${archive.aid}`);
    const cid = page.cid;
    const episode = found.episodes.find((e) => e.cid === cid) ?? null;
    if (wanted !== null && episode === null) {
      throw new BiliError(
        -404,
        `av${archive.aid} 的分P ${cid} 不是${wanted === PGC_BUSINESS ? '剧集' : '课程'}`,
      );
    }
    return this.checkedTarget(input, found, page, episode, wanted);
  }

  /** target() with `epid`: the episode decides, and `aid`/`bvid`/`cid` when sent must agree with it. */
  private async episodeTarget(input: TargetInput, epid: number, wanted: string | null): Promise<PlayTarget> {
    const named = await this.episode(wanted ?? PGC_BUSINESS, epid);
    if (input.aid !== undefined || (input.bvid !== undefined && input.bvid !== '')) {
      const aid = (await this.resolve(input.aid, input.bvid)).archive.aid;
      if (aid !== named.aid) throw new BiliError(-400, `av${aid} 不是 ep${epid} 的稿件`);
    }
    if (input.cid !== undefined && input.cid !== named.cid) {
      throw new BiliError(-400, `cid ${input.cid} 不是 ep${epid} 的分P`);
    }
    const found = await this.archive(named.aid);
    const page = found.pages.find((p) => p.cid === named.cid);
    if (!page) throw new BiliError(-404, `ep${epid} 的分P已不存在`);
    return this.checkedTarget(input, found, page, named, wanted);
  }

  /** The checks target() makes of whichever episode it found: its kind against `type`, its season against `sid`. */
  private checkedTarget(
    input: TargetInput,
    found: CachedArchive,
    page: PageRow,
    episode: EpisodeRow | null,
    wanted: string | null,
  ): PlayTarget {
    const sid = input.sid || undefined;
    if (wanted !== null && episode !== null && episode.business !== wanted) {
      throw new BiliError(-400, `type ${input.type} 与 ep${episode.epid} 的类别不一致`);
    }
    if (sid !== undefined && episode?.season_id !== sid) {
      throw new BiliError(
        -400,
        episode ? `ep${episode.epid} 不属于 ss${sid}` : `av${found.archive.aid} 不属于 ss${sid}`,
      );
    }
    // Named fields rather than a spread of `found`: this runs on every report and heartbeat.
    return { archive: found.archive, pages: found.pages, episodes: found.episodes, page, episode };
  }

  private async episode(business: string, epid: number): Promise<EpisodeRow> {
    const key = `${business}:${epid}`;
    const cached = this.episodes.get(key);
    if (cached) return cached;
    const found = await this.store.seasons.findEpisode(business, epid);
    if (!found) throw new BiliError(-404, `ep${epid}`);
    this.episodes.set(key, found);
    return found;
  }

  private historyUpsert(mid: number, target: PlayTarget, progress: number, dt: number) {
    const { archive, page, episode } = target;
    return {
      mid,
      business: episode ? episode.business : ARCHIVE_BUSINESS,
      kid: episode ? episode.season_id : archive.aid,
      oid: archive.aid,
      epid: episode ? episode.epid : 0,
      cid: page.cid,
      page: page.page,
      progress: storedProgress(progress, page.duration),
      dt,
      view_at: nowSeconds(this.clock),
    };
  }

  /** The archive named by aid, bvid or both (they must agree): -400 without either, -404 if unknown. */
  private resolve(aid: number | undefined, bvid: string | undefined): CachedArchive | Promise<CachedArchive> {
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

  /** The archive, its parts and the episodes they carry; one cache entry serves every heartbeat of it. */
  private archive(aid: number): CachedArchive | Promise<CachedArchive> {
    return this.archives.get(aid) ?? this.loadArchive(aid);
  }

  private async loadArchive(aid: number): Promise<CachedArchive> {
    const archive = await this.store.archives.findByAid(aid);
    if (!archive) throw new BiliError(-404, `av${aid}`);
    const [pages, episodes] = await Promise.all([
      this.store.archives.findPages(aid),
      this.store.seasons.episodesByAid(aid),
    ]);
    const found = { archive, pages, episodes };
    this.archives.set(aid, found);
    return found;
  }

  private async entries(rows: readonly HistoryRow[]): Promise<HistoryEntry[]> {
    // `oid` is the archive of every video entry: the avid of an archive, the episode's archive of a season.
    const aids = rows
      .filter(
        (r) =>
          r.business === ARCHIVE_BUSINESS || r.business === PGC_BUSINESS || r.business === CHEESE_BUSINESS,
      )
      .map((r) => r.oid);
    const seasonIds = (business: string) => rows.filter((r) => r.business === business).map((r) => r.kid);
    const [archives, pagesOf, views, replies, pgc, pgcEpisodes, cheese, cheeseEpisodes] = await Promise.all([
      this.store.archives.findByAids(aids),
      this.store.archives.findPagesOf(aids),
      this.store.history.viewCounts(aids),
      this.store.history.replyCounts(aids),
      this.store.seasons.findMany(PGC_BUSINESS, seasonIds(PGC_BUSINESS)),
      this.store.seasons.episodesOf(PGC_BUSINESS, seasonIds(PGC_BUSINESS)),
      this.store.seasons.findMany(CHEESE_BUSINESS, seasonIds(CHEESE_BUSINESS)),
      this.store.seasons.episodesOf(CHEESE_BUSINESS, seasonIds(CHEESE_BUSINESS)),
    ]);
    const owners = shownUsers(
      await this.store.users.findByMids([...archives.values()].map((a) => a.owner_mid)),
    );
    const seasonOf = (row: HistoryRow): EntrySeason | null => {
      const [seasons, episodesOf] =
        row.business === PGC_BUSINESS
          ? [pgc, pgcEpisodes]
          : row.business === CHEESE_BUSINESS
            ? [cheese, cheeseEpisodes]
            : [null, null];
      const season = seasons?.get(row.kid);
      if (!season) return null;
      const episodes = episodesOf?.get(row.kid) ?? [];
      return { season, episodes, episode: episodes.find((e) => e.epid === row.epid) ?? null };
    };
    return rows.map((row) => {
      const archive = archives.get(row.oid) ?? null;
      const pages = pagesOf.get(row.oid) ?? [];
      return {
        row,
        archive,
        pages,
        page: pages.find((p) => p.cid === row.cid) ?? null,
        owner: archive ? (owners.get(archive.owner_mid) ?? null) : null,
        view: views.get(row.oid) ?? 0,
        reply: replies.get(row.oid) ?? 0,
        season: seasonOf(row),
      };
    });
  }
}
