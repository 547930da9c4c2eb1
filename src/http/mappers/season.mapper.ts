import { av2bv } from '../../domain/bvid.ts';
import { resumeAtMs } from '../../domain/progress.ts';
import { episodeLabel, seasonBadge, seasonTotal } from '../../domain/season.ts';
import type { SeasonView } from '../../services/season.service.ts';
import type { EpisodeRow } from '../../store/repositories/season.repository.ts';
import type { CourseSeasonData, PgcSeasonResult, SeasonProgress } from '../../wire/season.schema.ts';
import { faceUrl } from './account.mapper.ts';
import { episodeUri, seasonNewDesc, seasonUri } from './history.mapper.ts';

const DIMENSION = { width: 1920, height: 1080, rotate: 0 } as const;

/** The viewer's place in the season: absent signed out, zeros when never watched. */
function progressOf(view: SeasonView, signedIn: boolean, index: (e: EpisodeRow) => string) {
  if (!signedIn) return {};
  const entry = view.progress;
  const episode = entry ? view.episodes.find((e) => e.epid === entry.epid) : undefined;
  const progress: SeasonProgress = {
    last_ep_id: episode?.epid ?? 0,
    last_ep_index: episode ? index(episode) : '',
    last_time: entry ? Math.floor(resumeAtMs(entry.progress) / 1000) : 0,
  };
  return { progress };
}

function pubTime(seconds: number): string {
  // Beijing time, as Bilibili prints it: "YYYY-MM-DD hh:mm:ss".
  return new Date((seconds + 8 * 3600) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `result` of `/pgc/view/web/season`. */
export function pgcSeasonResult(view: SeasonView, signedIn: boolean, publicUrl: string): PgcSeasonResult {
  const { season, episodes, archives, pages } = view;
  const newest = episodes.at(-1);
  const views = [...view.views.values()].reduce((sum, v) => sum + v, 0);
  const badge = seasonBadge(season.business, season.sub_type);
  return {
    cover: season.cover,
    episodes: episodes.map((e) => {
      const archive = archives.get(e.aid);
      const label = episodeLabel(e.title, season.business);
      return {
        aid: e.aid,
        badge: '',
        badge_info: { bg_color: '#FB7299', bg_color_night: '#BB5B76', text: '' },
        badge_type: 0,
        bvid: archive?.bvid ?? av2bv(e.aid),
        cid: e.cid,
        cover: archive?.cover || season.cover,
        dimension: DIMENSION,
        duration: (pages.get(e.cid)?.duration ?? 0) * 1000,
        from: 'bangumi',
        id: e.epid,
        link: episodeUri(publicUrl, e),
        long_title: e.long_title,
        pub_time: e.pub_time,
        pv: 0,
        release_date: '',
        share_copy: `《${season.title}》${label}${e.long_title ? ` ${e.long_title}` : ''}`,
        share_url: episodeUri(publicUrl, e),
        short_link: episodeUri(publicUrl, e),
        status: 2,
        subtitle: '',
        title: e.title,
        vid: '',
      };
    }),
    evaluate: season.description,
    link: `${publicUrl}/bangumi/media/md${season.media_id}`,
    media_id: season.media_id,
    mode: 2,
    new_ep: {
      desc: seasonNewDesc(season, episodes),
      id: newest?.epid ?? 0,
      is_new: 0,
      title: newest?.title ?? '',
    },
    publish: {
      is_finish: season.is_finish,
      is_started: episodes.length > 0 ? 1 : 0,
      pub_time: episodes[0] ? pubTime(episodes[0].pub_time) : '',
      pub_time_show: '',
      unknow_pub_date: 0,
      weekday: 0,
    },
    season_id: season.season_id,
    season_title: season.title,
    seasons: [],
    section: [],
    share_copy: `《${season.title}》${badge}`,
    share_sub_title: badge,
    share_url: seasonUri(publicUrl, season),
    show: { wide_screen: 0 },
    square_cover: season.cover,
    stat: { coins: 0, danmakus: 0, favorites: 0, likes: 0, reply: 0, share: 0, views },
    status: 2,
    subtitle: '',
    title: season.title,
    total: season.total > 0 ? season.total : season.is_finish === 1 ? episodes.length : -1,
    type: season.sub_type,
    user_status: {
      area_limit: 0,
      ban_area_show: 0,
      follow: 0,
      follow_status: 0,
      login: signedIn ? 1 : 0,
      pay: 1,
      pay_pack_paid: 0,
      ...progressOf(view, signedIn, (e) => e.title),
      sponsor: 0,
    },
  };
}

/** `data` of `/pugv/view/web/season`. */
export function courseSeasonData(view: SeasonView, signedIn: boolean, publicUrl: string): CourseSeasonData {
  const { season, episodes, pages, owner } = view;
  const total = seasonTotal(season.total, episodes.length);
  const plays = [...view.views.values()].reduce((sum, v) => sum + v, 0);
  const desc = seasonNewDesc(season, episodes);
  const last = view.progress?.epid ?? 0;
  return {
    cover: season.cover,
    episode_page: { next: false, num: 1, size: episodes.length, total: episodes.length },
    episode_sort: 1,
    episodes: episodes.map((e) => ({
      aid: e.aid,
      cid: e.cid,
      duration: pages.get(e.cid)?.duration ?? 0,
      from: 'pugv',
      id: e.epid,
      index: e.ord,
      page: 1,
      play: view.views.get(e.aid) ?? 0,
      release_date: e.pub_time,
      status: 1,
      title: e.title,
      // Replay remembers the last lesson watched per course, so that is the one marked watched.
      watched: signedIn && e.epid === last,
      watchedHistory: signedIn && e.epid === last && view.progress ? Math.max(view.progress.progress, 0) : 0,
    })),
    release_bottom_info: '',
    release_info: season.is_finish === 1 ? `已完结，共${total}课` : `${desc}，共${total}课`,
    release_info2: season.is_finish === 1 ? '已完结' : '连载中',
    release_status: desc,
    season_id: season.season_id,
    share_url: seasonUri(publicUrl, season),
    short_link: seasonUri(publicUrl, season),
    stat: { play: plays, play_desc: String(plays) },
    status: 10,
    subtitle: season.description,
    title: season.title,
    up_info: {
      avatar: owner ? faceUrl(owner, publicUrl) : '',
      brief: owner?.sign ?? '',
      follower: 0,
      is_follow: 0,
      link: '',
      mid: owner?.mid ?? 0,
      pendant: { image: '', name: '', follower: 0 },
      uname: owner?.uname ?? '',
    },
    user_status: {
      favored: 0,
      favored_count: 0,
      payed: 1,
      ...progressOf(view, signedIn, (e) => String(e.ord)),
    },
  };
}
