import { av2bv } from '../../domain/bvid.ts';
import { levelInfo, membership } from '../../domain/account.ts';
import type { HistoryEntry, PlayerState } from '../../services/history.service.ts';
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
  return entry.archive?.bvid ?? (entry.row.business === 'archive' ? av2bv(entry.row.kid) : '');
}

/** One `list[]` item of `/x/web-interface/history/cursor` (CONTRACT.md §7.1). */
export function cursorItem(entry: HistoryEntry, publicUrl: string) {
  const { row, archive, pages, page, owner } = entry;
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
      business: row.business,
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

/** One entry of `/x/v2/history` (CONTRACT.md §7.2). */
export function historyEntry(entry: HistoryEntry, publicUrl: string) {
  const { row, archive, pages, page, owner } = entry;
  const aid = row.kid;
  const bvid = bvidOf(entry);
  return {
    aid,
    videos: pages.length || 1,
    tid: archive?.tid ?? 0,
    tname: archive?.tname ?? '',
    copyright: archive?.copyright ?? 3,
    pic: archive?.cover ?? '',
    title: archive?.title ?? '',
    pubdate: archive?.pubdate ?? 0,
    ctime: archive?.ctime ?? 0,
    desc: archive?.description ?? '',
    state: archive?.state ?? -100,
    attribute: 0,
    duration: archive?.duration ?? 0,
    rights: {
      bp: 0,
      elec: 0,
      download: 1,
      movie: 0,
      pay: 0,
      hd5: 0,
      no_reprint: archive?.copyright === 1 ? 1 : 0,
      autoplay: 1,
      ugc_pay: 0,
      is_cooperation: 0,
      ugc_pay_preview: 0,
      no_background: 0,
    },
    owner: {
      mid: archive?.owner_mid ?? 0,
      name: owner?.uname ?? '',
      face: owner ? faceUrl(owner, publicUrl) : '',
    },
    stat: {
      aid,
      view: entry.view,
      danmaku: 0,
      reply: entry.reply,
      favorite: 0,
      coin: 0,
      share: 0,
      now_rank: 0,
      his_rank: 0,
      like: 0,
      dislike: 0,
    },
    dynamic: '',
    cid: pages[0]?.cid ?? row.cid,
    dimension: DEFAULT_DIMENSION,
    favorite: false,
    type: 3,
    sub_type: 0,
    device: row.dt,
    page: pageObject(page, row),
    count: pages.length || 1,
    progress: row.progress,
    view_at: row.view_at,
    kid: row.kid,
    business: row.business,
    redirect_link: `${publicUrl}/video/${bvid}`,
    bvid,
  };
}

/**
 * `data` of `/x/player/v2` and `/x/player/wbi/v2` (CONTRACT.md §8.1): the documented fields, with the
 * archive's and the viewer's real values and neutral defaults for the features Replay does not have
 * (subtitles, view points, cards, upower).
 */
export function playerData(state: PlayerState, viewer: UserRow | null, ip: string, nowMs: number) {
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
