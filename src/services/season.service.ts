import { shownUser } from '../domain/account-rules.ts';
import { CHEESE_BUSINESS, PGC_BUSINESS, isSeasonSubType } from '../domain/season.ts';
import type { SeasonBusiness } from '../domain/season.ts';
import { BiliError } from '../errors.ts';
import type { ArchiveRow, PageRow } from '../store/repositories/archive.repository.ts';
import type { HistoryRow } from '../store/repositories/history.repository.ts';
import type { EpisodeRow, SeasonRow } from '../store/repositories/season.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { givenIdProblem } from '../domain/ids.ts';

/** Comment area of a course lesson (CONTRACT.md §1: type 33, oid = the lesson's epid). */
const COURSE_AREA_TYPE = 33;

/** Assigned ids start far from the docs' examples (ss26193, ep326789, course ss61/ep790). */
const FIRST_ASSIGNED_SEASON_ID = 900_001;
const FIRST_ASSIGNED_EPID = 9_000_001;

export interface NewEpisodeInput {
  epid?: number | undefined;
  aid: number;
  /** The part of `aid` carrying the episode; its first part when omitted. */
  cid?: number | undefined;
  /** Short title: the episode number of a season ("8", its position when omitted); a lesson's title. */
  title?: string | undefined;
  long_title?: string | undefined;
  pub_time?: number | undefined;
}

export interface NewSeasonInput {
  season_id?: number | undefined;
  media_id?: number | undefined;
  title: string;
  /** Season type: 1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺 (ignored for a course). */
  sub_type?: number | undefined;
  cover?: string | undefined;
  desc?: string | undefined;
  total?: number | undefined;
  is_finish?: boolean | undefined;
  episodes: NewEpisodeInput[];
}

export interface SeasonPatch {
  title?: string | undefined;
  cover?: string | undefined;
  desc?: string | undefined;
  total?: number | undefined;
  is_finish?: boolean | undefined;
}

export interface SeasonWithEpisodes {
  season: SeasonRow;
  episodes: EpisodeRow[];
}

/** What the season-info endpoints show: the season, its episodes with their parts, the viewer's entry. */
export interface SeasonView extends SeasonWithEpisodes {
  archives: Map<number, ArchiveRow>;
  /** Parts by cid, for the episodes' durations. */
  pages: Map<number, PageRow>;
  views: Map<number, number>;
  /** The uploader of the first episode's archive: a course's teacher. */
  owner: UserRow | null;
  /** The viewer's history entry of the season (null signed out or never watched). */
  progress: HistoryRow | null;
}

/**
 * The catalogue of seasons (pgc: 番剧, 电影, …) and courses (cheese: 课程). Episodes are parts of
 * existing archives; `onChange` is told which archives now carry episodes, so caches of the watch path
 * (which records an archive's plays under its season) forget them at once.
 */
export class SeasonService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly onChange: (aids: readonly number[]) => void = () => undefined,
  ) {}

  createSeason(input: NewSeasonInput): Promise<SeasonWithEpisodes> {
    if (input.sub_type === undefined || !isSeasonSubType(input.sub_type)) {
      throw new BiliError(-400, 'sub_type must be 1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧 or 7 综艺');
    }
    return this.create(PGC_BUSINESS, input);
  }

  createCourse(input: NewSeasonInput): Promise<SeasonWithEpisodes> {
    return this.create(CHEESE_BUSINESS, { ...input, sub_type: 0, media_id: 0 });
  }

  async get(business: SeasonBusiness, seasonId: number): Promise<SeasonWithEpisodes> {
    const season = await this.store.seasons.find(business, seasonId);
    if (!season)
      throw new BiliError(-404, `${business === PGC_BUSINESS ? 'season' : 'course'} ss${seasonId}`);
    return { season, episodes: await this.store.seasons.episodes(business, seasonId) };
  }

  async list(business: SeasonBusiness, limit: number, afterId: number): Promise<SeasonRow[]> {
    return this.store.seasons.list(business, limit, afterId);
  }

  /** Appends episodes (lessons) after the last one: an airing season gains its new episodes. */
  async addEpisodes(
    business: SeasonBusiness,
    seasonId: number,
    episodes: NewEpisodeInput[],
  ): Promise<SeasonWithEpisodes> {
    if (episodes.length === 0) throw new BiliError(-400, 'episodes must not be empty');
    const result = await this.write(async (tx) => {
      const season = await tx.seasons.find(business, seasonId);
      if (!season) throw new BiliError(-404, `ss${seasonId}`);
      const before = await tx.seasons.episodes(business, seasonId);
      await this.insertEpisodes(tx, season, before.length, episodes);
      return { season, episodes: await tx.seasons.episodes(business, seasonId) };
    });
    this.onChange(episodes.map((e) => e.aid));
    return result;
  }

  async update(business: SeasonBusiness, seasonId: number, patch: SeasonPatch): Promise<SeasonWithEpisodes> {
    if (patch.title !== undefined && !patch.title.trim())
      throw new BiliError(-400, 'title must not be empty');
    await this.get(business, seasonId);
    await this.store.seasons.updateSeason(business, seasonId, {
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.cover === undefined ? {} : { cover: patch.cover }),
      ...(patch.desc === undefined ? {} : { description: patch.desc }),
      ...(patch.total === undefined ? {} : { total: patch.total }),
      ...(patch.is_finish === undefined ? {} : { is_finish: patch.is_finish ? 1 : 0 }),
    });
    return this.get(business, seasonId);
  }

  /**
   * `/pgc/view/web/season` and `/pugv/view/web/season`: the season named by `season_id` or by one of its
   * episodes (`ep_id`); -400 without either or when they disagree, -404 when unknown.
   */
  async view(
    business: SeasonBusiness,
    ref: { seasonId?: number | undefined; epid?: number | undefined },
    mid: number | null,
  ): Promise<SeasonView> {
    let seasonId = ref.seasonId;
    if (ref.epid !== undefined) {
      const episode = await this.store.seasons.findEpisode(business, ref.epid);
      if (!episode) throw new BiliError(-404, `ep${ref.epid}`);
      if (seasonId !== undefined && seasonId !== episode.season_id) {
        throw new BiliError(-400, 'season_id 与 ep_id 不一致');
      }
      seasonId = episode.season_id;
    }
    if (seasonId === undefined) throw new BiliError(-400, '缺少参数 season_id 或 ep_id');
    const { season, episodes } = await this.get(business, seasonId);
    const aids = episodes.map((e) => e.aid);
    const [archives, pagesOf, views, progress] = await Promise.all([
      this.store.archives.findByAids(aids),
      this.store.archives.findPagesOf(aids),
      this.store.history.viewCounts(aids),
      mid === null ? undefined : this.store.history.find(mid, business, seasonId),
    ]);
    const pages = new Map<number, PageRow>();
    for (const list of pagesOf.values()) for (const p of list) pages.set(p.cid, p);
    const first = episodes[0] ? archives.get(episodes[0].aid) : undefined;
    const stored = first ? await this.store.users.findByMid(first.owner_mid) : undefined;
    const owner = stored ? shownUser(stored) : null;
    return { season, episodes, archives, pages, views, owner, progress: progress ?? null };
  }

  private async create(business: SeasonBusiness, input: NewSeasonInput): Promise<SeasonWithEpisodes> {
    if (!input.title.trim()) throw new BiliError(-400, 'title must not be empty');
    // Given ids leave room for the automatic ones above them (domain/ids.ts), on the CLI as on the API.
    const idProblem =
      givenIdProblem('season_id', input.season_id) ??
      input.episodes.map((e) => givenIdProblem('epid', e.epid)).find((problem) => problem !== undefined);
    if (idProblem) throw new BiliError(-400, idProblem);
    const result = await this.write(async (tx) => {
      if (input.season_id !== undefined && (await tx.seasons.find(business, input.season_id))) {
        throw new BiliError(-409, `ss${input.season_id} exists`);
      }
      const seasonId =
        input.season_id ?? Math.max((await tx.seasons.maxSeasonId(business)) + 1, FIRST_ASSIGNED_SEASON_ID);
      const season: SeasonRow = {
        business,
        season_id: seasonId,
        media_id: input.media_id ?? 0,
        title: input.title,
        sub_type: input.sub_type ?? 0,
        cover: input.cover ?? '',
        description: input.desc ?? '',
        total: input.total ?? 0,
        is_finish: input.is_finish ? 1 : 0,
        created_at: nowSeconds(this.clock),
      };
      await tx.seasons.insertSeason(season);
      await this.insertEpisodes(tx, season, 0, input.episodes);
      return { season, episodes: await tx.seasons.episodes(business, seasonId) };
    });
    this.onChange(input.episodes.map((e) => e.aid));
    return result;
  }

  private async write<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    const result = await this.store.transactionUnlessDuplicate(work);
    if (result === 'duplicate') throw new BiliError(-409, 'season, episode or part already taken');
    return result;
  }

  private async insertEpisodes(
    tx: Repositories,
    season: SeasonRow,
    already: number,
    input: NewEpisodeInput[],
  ): Promise<void> {
    const business = season.business;
    const now = nowSeconds(this.clock);
    const seen = new Set<number>();
    let nextEpid = Math.max((await tx.seasons.maxEpid(business)) + 1, FIRST_ASSIGNED_EPID);
    const rows: EpisodeRow[] = [];
    for (const [i, e] of input.entries()) {
      const found = await tx.archives.findByAid(e.aid);
      if (!found) throw new BiliError(-404, `av${e.aid}`);
      const pages = await tx.archives.findPages(e.aid);
      const page = e.cid === undefined ? pages[0] : pages.find((p) => p.cid === e.cid);
      if (!page) throw new BiliError(-404, `cid ${e.cid} 不属于 av${e.aid}`);
      if (seen.has(page.cid)) throw new BiliError(-400, `cid ${page.cid} listed twice`);
      seen.add(page.cid);
      if (await tx.seasons.findEpisodeByCid(page.cid)) {
        throw new BiliError(-409, `cid ${page.cid} already carries an episode`);
      }
      if (e.epid !== undefined && (await tx.seasons.findEpisode(business, e.epid))) {
        throw new BiliError(-409, `ep${e.epid} exists`);
      }
      const ord = already + i + 1;
      const title = e.title?.trim() ? e.title : business === PGC_BUSINESS ? String(ord) : page.part;
      rows.push({
        business,
        epid: e.epid ?? nextEpid++,
        season_id: season.season_id,
        ord,
        title,
        long_title: e.long_title ?? '',
        aid: e.aid,
        cid: page.cid,
        pub_time: e.pub_time ?? now,
      });
      if (business === CHEESE_BUSINESS) {
        await tx.areas.upsert({
          type: COURSE_AREA_TYPE,
          oid: rows.at(-1)!.epid,
          owner_mid: found.owner_mid,
          closed: 0,
          now,
        });
      }
    }
    const epids = rows.map((r) => r.epid);
    if (new Set(epids).size !== epids.length) throw new BiliError(-400, 'duplicate epid');
    await tx.seasons.insertEpisodes(rows);
  }
}
