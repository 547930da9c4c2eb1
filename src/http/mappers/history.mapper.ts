import { av2bv } from '../../domain/bvid.ts';
import { levelInfo, membership } from '../../domain/account.ts';
import {
  CHEESE_BUSINESS,
  EPISODE_PLAY_TYPE,
  LESSON_PLAY_TYPE,
  newDesc,
  seasonBadge,
  seasonTotal,
  showTitle,
} from '../../domain/season.ts';
import type { EntrySeason, HistoryEntry, PlayerState } from '../../services/history.service.ts';
import type { EpisodeRow, SeasonRow } from '../../store/repositories/season.repository.ts';
import type {
  HistoryBusiness,
  HistoryCursorItem,
  HistoryEntry as HistoryEntryWire,
  PlayerData,
} from '../../wire/history.schema.ts';
import type { WatchSessionRow } from '../../store/repositories/history.repository.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import { faceUrl, vipObject } from './account.mapper.ts';

/** The filter tabs of the cursor list, always the same three (CONTRACT.md §7.1). */
export const HISTORY_TABS = [
  { type: 'archive', name: '视频' },
  { type: 'live', name: '直播' },
  { type: 'article', name: '专栏' },
] as const;

/**
 * Replay stores no video dimensions; a landscape 1080p frame is what players assume for an archive
 * without one, and it keeps aspect-ratio arithmetic in clients away from zeros.
 */
const DEFAULT_DIMENSION = { width: 1920, height: 1080, rotate: 0 } as const;

function bvidOf(entry: HistoryEntry): string {
  return entry.archive?.bvid ?? av2bv(entry.row.oid);
}

/** Stored businesses are the wire's (the watch path writes only archive, pgc and cheese). */
const businessOf = (row: HistoryEntry['row']) => row.business as HistoryBusiness;

/** The season's page: `…/bangumi/play/ss26193` (pgc), `…/cheese/play/ss61` (course). */
export function seasonUri(publicUrl: string, season: SeasonRow): string {
  const kind = season.business === CHEESE_BUSINESS ? 'cheese' : 'bangumi';
  return `${publicUrl}/${kind}/play/ss${season.season_id}`;
}

/** An episode's page: `…/bangumi/play/ep326789`, `…/cheese/play/ep790`. */
export function episodeUri(publicUrl: string, episode: EpisodeRow): string {
  const kind = episode.business === CHEESE_BUSINESS ? 'cheese' : 'bangumi';
  return `${publicUrl}/${kind}/play/ep${episode.epid}`;
}

/** `new_desc` of a season: "全12话" finished, else "更新至第N话" after its newest episode. */
export function seasonNewDesc(season: SeasonRow, episodes: readonly EpisodeRow[]): string {
  const newest = episodes.at(-1);
  const index = newest ? (season.business === CHEESE_BUSINESS ? String(newest.ord) : newest.title) : null;
  return newDesc(season.business, season.is_finish === 1, episodes.length, season.total, index);
}

/**
 * The title pair of an episode: a pgc episode shows "第8话 庆忌（下）" from its number and long title; a
 * lesson shows "第3课 <lesson title>" and its title as the long title.
 */
function episodeTitles(s: EntrySeason): { long: string; show: string } {
  const e = s.episode;
  if (!e) return { long: '', show: '' };
  if (s.season.business === CHEESE_BUSINESS) {
    return { long: e.title, show: showTitle(CHEESE_BUSINESS, String(e.ord), e.title) };
  }
  return { long: e.long_title, show: showTitle(s.season.business, e.title, e.long_title) };
}

/** A pgc or course item of the cursor list: the season speaks, the uploader fields stay empty (§7.1). */
function seasonCursorItem(entry: HistoryEntry, s: EntrySeason, publicUrl: string): HistoryCursorItem {
  const { row, archive, page } = entry;
  const titles = episodeTitles(s);
  return {
    title: s.season.title,
    long_title: titles.long,
    cover: archive?.cover || s.season.cover,
    covers: null,
    uri: seasonUri(publicUrl, s.season),
    history: {
      oid: row.oid,
      epid: row.epid,
      bvid: '',
      page: 0,
      cid: row.cid,
      part: '',
      business: businessOf(row),
      dt: row.dt,
    },
    videos: 0,
    author_name: '',
    author_face: '',
    author_mid: 0,
    view_at: row.view_at,
    progress: row.progress,
    badge: seasonBadge(s.season.business, s.season.sub_type),
    show_title: titles.show,
    duration: page?.duration ?? 0,
    current: '',
    total: seasonTotal(s.season.total, s.episodes.length),
    new_desc: seasonNewDesc(s.season, s.episodes),
    is_finish: s.season.is_finish,
    is_fav: 0,
    kid: row.kid,
    tag_name: '',
    live_status: 0,
  };
}

/** One `list[]` item of `/x/web-interface/history/cursor` (CONTRACT.md §7.1). */
export function cursorItem(entry: HistoryEntry, publicUrl: string): HistoryCursorItem {
  const { row, archive, pages, page, owner } = entry;
  if (entry.season) return seasonCursorItem(entry, entry.season, publicUrl);
  return {
    title: archive?.title ?? '',
    long_title: '',
    cover: archive?.cover ?? '',
    covers: null,
    uri: '',
    history: {
      oid: row.oid,
      epid: row.epid,
      bvid: bvidOf(entry),
      page: row.page,
      cid: row.cid,
      part: page?.part ?? '',
      business: businessOf(row),
      dt: row.dt,
    },
    videos: pages.length,
    author_name: owner?.uname ?? '',
    author_face: owner ? faceUrl(owner, publicUrl) : '',
    author_mid: archive?.owner_mid ?? 0,
    view_at: row.view_at,
    progress: row.progress,
    badge: '',
    // A single-part archive has no separate part title to show (the contract's example has "").
    show_title: pages.length > 1 ? (page?.part ?? '') : '',
    // Progress is a position in the watched part, so the length shown beside it is that part's.
    duration: page?.duration ?? archive?.duration ?? 0,
    current: '',
    total: 0,
    new_desc: '',
    is_finish: 0,
    is_fav: 0,
    kid: row.kid,
    tag_name: archive?.tname ?? '',
    live_status: 0,
  };
}

function pageObject(
  p: { cid: number; page: number; part: string; duration: number } | null,
  row: HistoryEntry['row'],
) {
  return {
    cid: p?.cid ?? row.cid,
    page: p?.page ?? row.page,
    from: 'vupload',
    part: p?.part ?? '',
    duration: p?.duration ?? 0,
    vid: '',
    weblink: '',
    dimension: DEFAULT_DIMENSION,
  };
}

/** `bangumi` (pgc) or `cheese` (course) of a `/x/v2/history` entry (§7.2). */
function seasonExtras(s: EntrySeason | null, cover: string): Pick<HistoryEntryWire, 'bangumi' | 'cheese'> {
  if (!s) return {};
  const { season, episode, episodes } = s;
  if (season.business === CHEESE_BUSINESS) {
    return {
      cheese: {
        cover: cover || season.cover,
        long_title: episode?.title ?? '',
        number: episode ? String(episode.ord) : '',
        season_id: season.season_id,
        update_info: seasonNewDesc(season, episodes),
      },
    };
  }
  const newest = episodes.at(-1);
  return {
    bangumi: {
      ep_id: episode?.epid ?? 0,
      title: episode?.title ?? '',
      long_title: episode?.long_title ?? '',
      episode_status: 2,
      follow: 0,
      cover: cover || season.cover,
      season: {
        season_id: season.season_id,
        title: season.title,
        season_status: 2,
        is_finish: season.is_finish,
        total_count: season.is_finish === 1 ? seasonTotal(season.total, episodes.length) : -1,
        newest_ep_id: newest?.epid ?? 0,
        newest_ep_index: newest?.title ?? '',
        season_type: season.sub_type,
      },
    },
  };
}

/** One entry of `/x/v2/history` (CONTRACT.md §7.2). */
export function historyEntry(entry: HistoryEntry, publicUrl: string): HistoryEntryWire {
  const { row, archive, pages, page, owner, season } = entry;
  const aid = row.oid;
  const bvid = bvidOf(entry);
  const cover = archive?.cover ?? '';
  return {
    aid,
    videos: pages.length || 1,
    tid: archive?.tid ?? 0,
    tname: archive?.tname ?? '',
    copyright: archive?.copyright ?? 3,
    pic: cover || (season?.season.cover ?? ''),
    title: season ? season.season.title : (archive?.title ?? ''),
    pubdate: archive?.pubdate ?? 0,
    ctime: archive?.ctime ?? 0,
    desc: archive?.description ?? '',
    state: archive?.state ?? -100,
    attribute: 0,
    duration: archive?.duration ?? 0,
    rights: archiveRights(archive?.copyright),
    owner: {
      mid: archive?.owner_mid ?? 0,
      name: owner?.uname ?? '',
      face: owner ? faceUrl(owner, publicUrl) : '',
    },
    stat: archiveStat(aid, entry.view, entry.reply),
    dynamic: '',
    cid: pages[0]?.cid ?? row.cid,
    dimension: DEFAULT_DIMENSION,
    ...seasonExtras(season, cover),
    favorite: false,
    type: season ? (season.season.business === CHEESE_BUSINESS ? LESSON_PLAY_TYPE : EPISODE_PLAY_TYPE) : 3,
    sub_type: season ? season.season.sub_type : 0,
    device: row.dt,
    page: pageObject(page, row),
    count: pages.length || 1,
    progress: row.progress,
    view_at: row.view_at,
    kid: row.kid,
    business: businessOf(row),
    redirect_link: season?.episode ? episodeUri(publicUrl, season.episode) : `${publicUrl}/video/${bvid}`,
    bvid,
  };
}

/**
 * `data` of `/x/player/v2` and `/x/player/wbi/v2` (CONTRACT.md §8.1): the documented fields, with the
 * archive's and the viewer's real values and neutral defaults for the features Replay does not have
 * (subtitles, view points, cards, upower).
 */
export function playerData(
  state: PlayerState,
  viewer: UserRow | null,
  ip: string,
  nowMs: number,
): PlayerData {
  const { archive, pages, page } = state;
  const m = membership(viewer?.vip_type ?? 0, viewer?.vip_due_date ?? 0, nowMs);
  return {
    aid: archive.aid,
    bvid: archive.bvid,
    allow_bp: false,
    no_share: false,
    cid: page.cid,
    max_limit: 1000,
    page_no: page.page,
    has_next: page.page < pages.length,
    ip_info: { ip, zone_ip: ip, zone_id: 0, country: '', province: '', city: '' },
    login_mid: viewer?.mid ?? 0,
    login_mid_hash: '',
    is_owner: viewer !== null && viewer.mid === archive.owner_mid,
    name: viewer?.uname ?? '',
    permission: viewer ? '10000,1001' : '0',
    level_info: levelInfo(viewer?.level ?? 0),
    vip: { ...vipObject(m), avatar_icon: { icon_resource: {} } },
    answer_status: 0,
    block_time: 0,
    role: '',
    last_play_time: state.lastPlayTimeMs,
    last_play_cid: state.lastPlayCid,
    now_time: Math.floor(nowMs / 1000),
    online_count: 1,
    need_login_subtitle: false,
    subtitle: { allow_submit: false, lan: '', lan_doc: '', subtitles: [] },
    view_points: [],
    preview_toast: '为创作付费，购买观看完整视频|购买观看',
    options: { is_360: false, without_vip: false },
    guide_attention: [],
    jump_card: [],
    operation_card: [],
    online_switch: {
      enable_gray_dash_playback: '500',
      new_broadcast: '1',
      realtime_dm: '1',
      subtitle_submit_switch: '1',
    },
    fawkes: { config_version: 0, ff_version: 0 },
    show_switch: { long_progress: false },
    bgm_info: null,
    toast_block: false,
    is_upower_exclusive: false,
    is_upower_play: false,
    is_ugc_pay_preview: false,
    elec_high_level: {
      privilege_type: 0,
      title: '',
      sub_title: '',
      show_button: false,
      button_text: '',
      jump_url: '',
      intro: '',
      new: false,
    },
    disable_show_up_info: false,
  };
}

/** A play session as the admin API shows it. */
export function watchSessionOut(row: WatchSessionRow) {
  return {
    session: row.session_key,
    aid: row.aid,
    cid: row.cid,
    start_ts: row.start_ts,
    played_time: row.played_time,
    realtime: row.realtime,
    real_played_time: row.real_played_time,
    video_duration: row.video_duration,
    play_type: row.play_type,
    heartbeats: row.heartbeats,
    first_at: row.first_at,
    last_at: row.last_at,
  };
}

/** The `rights` of an archive in the history and watch-later lists: Replay sells and restricts nothing. */
export function archiveRights(copyright: number | undefined) {
  return {
    bp: 0,
    elec: 0,
    download: 1,
    movie: 0,
    pay: 0,
    hd5: 0,
    no_reprint: copyright === 1 ? 1 : 0,
    autoplay: 1,
    ugc_pay: 0,
    is_cooperation: 0,
    ugc_pay_preview: 0,
    no_background: 0,
  };
}

/** The `stat` of an archive in the history and watch-later lists: counted plays and visible comments. */
export function archiveStat(aid: number, view: number, reply: number) {
  return {
    aid,
    view,
    danmaku: 0,
    reply,
    favorite: 0,
    coin: 0,
    share: 0,
    now_rank: 0,
    his_rank: 0,
    like: 0,
    dislike: 0,
  };
}
