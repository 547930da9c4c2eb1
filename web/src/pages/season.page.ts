import { av2bv, episodeLabel, seasonBadge } from 'replay/client';
import type { VideoViewData } from 'replay/client';
import { ApiError, bili } from '../api.ts';
import { formatDuration, h, replace } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { queryParam } from '../urls.ts';
import { t } from '../i18n/index.ts';

/** A season (番剧, 电影, … — `pgc`) or a course (课程 — `cheese`), as both season-info endpoints describe it. */
export interface SeasonModel {
  business: 'pgc' | 'cheese';
  seasonId: number;
  title: string;
  badge: string;
  newDesc: string;
  subType: number;
  episodes: EpisodeModel[];
  /** Where the viewer stopped: the episode and the position (s); null signed out or never watched. */
  progress: { epid: number; time: number } | null;
}

export interface EpisodeModel {
  epid: number;
  aid: number;
  bvid: string;
  cid: number;
  /** "第3话" / "第3课" (or the short title when it is not a number). */
  label: string;
  title: string;
  duration: number;
}

/** The query parameter the watch page reads the episode from: `?ep=` (season), `?lesson=` (course). */
const PARAM = { pgc: 'ep', cheese: 'lesson' } as const;

/** The watch page of an episode: its archive, with the episode named in the query. */
export function episodeHref(season: Pick<SeasonModel, 'business'>, e: EpisodeModel): string {
  return `/video/${e.bvid}?${PARAM[season.business]}=${e.epid}`;
}

/** Reads a season or course by `season_id` or `ep_id`; null when it does not exist. */
export async function loadSeason(
  business: 'pgc' | 'cheese',
  ref: { season_id?: number; ep_id?: number },
): Promise<SeasonModel | null> {
  if (business === 'pgc') {
    const body = await bili().history.season(ref);
    if (body.code === -404) return null;
    if (body.code !== 0 || !body.result) throw new ApiError(body.code, body.message);
    const r = body.result;
    const progress = r.user_status.progress;
    return {
      business,
      seasonId: r.season_id,
      title: r.title,
      badge: seasonBadge('pgc', r.type),
      newDesc: r.new_ep.desc,
      subType: r.type,
      episodes: r.episodes.map((e) => ({
        epid: e.id,
        aid: e.aid,
        bvid: e.bvid,
        cid: e.cid,
        label: episodeLabel(e.title, 'pgc'),
        title: e.long_title,
        duration: Math.round(e.duration / 1000),
      })),
      progress:
        progress && progress.last_ep_id ? { epid: progress.last_ep_id, time: progress.last_time } : null,
    };
  }
  const body = await bili().history.course(ref);
  if (body.code === -404) return null;
  if (body.code !== 0 || !body.data) throw new ApiError(body.code, body.message);
  const d = body.data;
  const progress = d.user_status.progress;
  return {
    business,
    seasonId: d.season_id,
    title: d.title,
    badge: seasonBadge('cheese', 0),
    newDesc: d.release_status,
    subType: 0,
    episodes: d.episodes.map((e) => ({
      epid: e.id,
      aid: e.aid,
      bvid: av2bv(e.aid),
      cid: e.cid,
      label: episodeLabel(String(e.index), 'cheese'),
      title: e.title,
      duration: e.duration,
    })),
    progress:
      progress && progress.last_ep_id ? { epid: progress.last_ep_id, time: progress.last_time } : null,
  };
}

/** `/bangumi/play/ss26193`, `/bangumi/play/ep326789`, `/cheese/play/ss61`, `/cheese/play/ep790`. */
export async function renderSeasonPage(
  main: HTMLElement,
  business: 'pgc' | 'cheese',
  id: string,
): Promise<void> {
  const match = /^(ss|ep)([1-9][0-9]{0,15})$/.exec(id);
  const season = match
    ? await loadSeason(
        business,
        match[1] === 'ss' ? { season_id: Number(match[2]) } : { ep_id: Number(match[2]) },
      )
    : null;
  if (!season) {
    setTitle(t('common.notFound'));
    replace(
      main,
      h('h1', null, business === 'pgc' ? t('season.notFound') : t('season.courseNotFound')),
      h('p', null, h('a', { href: '/' }, t('common.backHome'))),
    );
    return;
  }
  setTitle(season.title);
  const last = season.progress ? season.episodes.find((e) => e.epid === season.progress!.epid) : undefined;
  const first = season.episodes[0];
  const resume = last
    ? h(
        'a',
        { class: 'button continue', href: episodeHref(season, last) },
        season.progress!.time > 0
          ? t('season.continueAt', { ep: last.label, at: formatDuration(season.progress!.time) })
          : t('season.continue', { ep: last.label }),
      )
    : first
      ? h(
          'a',
          { class: 'button continue', href: episodeHref(season, first) },
          t('season.start', { ep: first.label }),
        )
      : null;
  replace(
    main,
    h(
      'div',
      { class: 'season' },
      h('h1', null, season.title, ' ', h('span', { class: 'badge' }, season.badge)),
      h('p', { class: 'muted' }, season.newDesc),
      resume ? h('p', null, resume) : null,
      h(
        'nav',
        { class: 'card parts', 'aria-labelledby': 'episodes-title' },
        h('h2', { id: 'episodes-title' }, business === 'pgc' ? t('season.episodes') : t('season.lessons')),
        episodeList(season, last?.epid ?? 0),
      ),
    ),
  );
}

function episodeList(season: SeasonModel, current: number): HTMLElement {
  return h(
    'ol',
    null,
    season.episodes.map((e) =>
      h(
        'li',
        null,
        h(
          'a',
          { href: episodeHref(season, e), 'aria-current': e.epid === current ? 'true' : undefined },
          h('span', null, h('span', { class: 'muted' }, `${e.label} `), e.title),
          h('span', { class: 'muted' }, formatDuration(e.duration)),
        ),
      ),
    ),
  );
}

/** What the watch page adds for an episode: its part, the episode list with previous/next, the heartbeat ids. */
export interface EpisodeContext {
  cid: number;
  nav: HTMLElement;
  heartbeat: { type: number; sub_type: number; epid: number; sid: number };
}

/** The episode the watch page's `?ep=` / `?lesson=` names, when it is one of this archive's. */
export async function loadEpisodeContext(view: Pick<VideoViewData, 'aid'>): Promise<EpisodeContext | null> {
  for (const business of ['pgc', 'cheese'] as const) {
    const epid = Number(queryParam(PARAM[business]));
    if (!Number.isSafeInteger(epid) || epid <= 0) continue;
    const season = await loadSeason(business, { ep_id: epid });
    const index = season ? season.episodes.findIndex((e) => e.epid === epid) : -1;
    const episode = season?.episodes[index];
    if (!season || !episode || episode.aid !== view.aid) return null;
    const prev = season.episodes[index - 1];
    const next = season.episodes[index + 1];
    const seasonHref = `/${business === 'pgc' ? 'bangumi' : 'cheese'}/play/ss${season.seasonId}`;
    const nav = h(
      'nav',
      { class: 'card parts episodes', 'aria-labelledby': 'season-title' },
      h(
        'h2',
        { id: 'season-title' },
        h('a', { href: seasonHref }, season.title),
        ' ',
        h('span', { class: 'badge' }, season.badge),
      ),
      h('p', { class: 'muted' }, `${episode.label} ${episode.title}`.trim()),
      h(
        'p',
        { class: 'actions' },
        prev
          ? h(
              'a',
              { class: 'button secondary small', href: episodeHref(season, prev), rel: 'prev' },
              t('season.previous', { ep: prev.label }),
            )
          : null,
        next
          ? h(
              'a',
              { class: 'button secondary small', href: episodeHref(season, next), rel: 'next' },
              t('season.next', { ep: next.label }),
            )
          : null,
      ),
      episodeList(season, epid),
    );
    return {
      cid: episode.cid,
      nav,
      heartbeat: { type: business === 'pgc' ? 4 : 10, sub_type: season.subType, epid, sid: season.seasonId },
    };
  }
  return null;
}
