/** Wire types of watch reporting, history and the player (CONTRACT.md §6–§8); names are the contract's. */

import type { LevelInfo, Vip } from './types.ts';

export interface ReportParams {
  aid: number;
  cid: number;
  /** Seconds; -1 = finished. */
  progress?: number;
  platform?: string;
}

export interface HeartbeatParams {
  aid?: number;
  bvid?: string;
  cid?: number;
  epid?: number;
  sid?: number;
  mid?: number;
  /** Position in seconds; -1 = playback finished. */
  played_time?: number;
  realtime?: number;
  real_played_time?: number;
  video_duration?: number;
  last_play_progress_time?: number;
  max_play_progress_time?: number;
  start_ts?: number;
  type?: number;
  sub_type?: number;
  dt?: number;
  /** 0 playing, 1 start, 2 pause, 3 resume, 4 end. */
  play_type?: 0 | 1 | 2 | 3 | 4;
  quality?: number;
  refer_url?: string;
  outer?: number;
  spmid?: string;
  from_spmid?: string;
  session?: string;
  /** Sent as JSON text in the form field. */
  extra?: Record<string, unknown> | string;
}

export interface ClickParams {
  aid: number;
  cid?: number;
  part?: number;
  mid?: number;
  lv?: number;
  ftime?: number;
  stime?: number;
  type?: number;
  sub_type?: number;
  referer_url?: string;
  outer?: number;
  spmid?: string;
  from_spmid?: string;
  session?: string;
}

export type HistoryBusiness = 'archive' | 'pgc' | 'live' | 'article-list' | 'article';

export interface CursorParams {
  max?: number;
  business?: HistoryBusiness | '';
  view_at?: number;
  type?: 'all' | 'archive' | 'live' | 'article';
  ps?: number;
}

export interface HistoryCursor {
  max: number;
  view_at: number;
  business: HistoryBusiness | '';
  ps: number;
}

export interface HistoryCursorItem {
  title: string;
  long_title: string;
  cover: string;
  covers: string[] | null;
  uri: string;
  history: {
    oid: number;
    epid: number;
    bvid: string;
    page: number;
    cid: number;
    part: string;
    business: HistoryBusiness;
    dt: number;
  };
  videos: number;
  author_name: string;
  author_face: string;
  author_mid: number;
  view_at: number;
  /** Seconds; -1 = finished. */
  progress: number;
  badge: string;
  show_title: string;
  duration: number;
  current: string;
  total: number;
  new_desc: string;
  is_finish: number;
  is_fav: number;
  kid: number;
  tag_name: string;
  live_status: number;
}

export interface HistoryCursorData {
  cursor: HistoryCursor;
  tab: { type: string; name: string }[];
  list: HistoryCursorItem[];
}

export interface Dimension {
  width: number;
  height: number;
  rotate: number;
}

export interface HistoryEntry {
  aid: number;
  videos: number;
  tid: number;
  tname: string;
  copyright: number;
  pic: string;
  title: string;
  pubdate: number;
  ctime: number;
  desc: string;
  state: number;
  attribute: number;
  duration: number;
  rights: Record<
    | 'bp'
    | 'elec'
    | 'download'
    | 'movie'
    | 'pay'
    | 'hd5'
    | 'no_reprint'
    | 'autoplay'
    | 'ugc_pay'
    | 'is_cooperation'
    | 'ugc_pay_preview'
    | 'no_background',
    number
  >;
  owner: { mid: number; name: string; face: string };
  stat: {
    aid: number;
    view: number;
    danmaku: number;
    reply: number;
    favorite: number;
    coin: number;
    share: number;
    now_rank: number;
    his_rank: number;
    like: number;
    dislike: number;
  };
  dynamic: string;
  cid: number;
  dimension: Dimension;
  favorite: boolean;
  type: number;
  sub_type: number;
  device: number;
  page: {
    cid: number;
    page: number;
    from: string;
    part: string;
    duration: number;
    vid: string;
    weblink: string;
    dimension: Dimension;
  };
  count: number;
  progress: number;
  view_at: number;
  kid: number;
  business: string;
  redirect_link: string;
  bvid: string;
}

export interface PlayerParams {
  aid?: number;
  bvid?: string;
  cid: number;
  season_id?: number;
  ep_id?: number;
}

export interface PlayerData {
  aid: number;
  bvid: string;
  allow_bp: boolean;
  no_share: boolean;
  cid: number;
  max_limit: number;
  page_no: number;
  has_next: boolean;
  ip_info: { ip: string; zone_ip: string; zone_id: number; country: string; province: string; city: string };
  login_mid: number;
  login_mid_hash: string;
  is_owner: boolean;
  name: string;
  permission: string;
  level_info: LevelInfo;
  vip: Vip & { avatar_icon: { icon_resource: Record<string, unknown> } };
  answer_status: number;
  block_time: number;
  role: string;
  /** Resume position in **milliseconds** (0 when finished or never watched). */
  last_play_time: number;
  last_play_cid: number;
  now_time: number;
  online_count: number;
  need_login_subtitle: boolean;
  subtitle: { allow_submit: boolean; lan: string; lan_doc: string; subtitles: unknown[] };
  view_points: unknown[];
  preview_toast: string;
  options: { is_360: boolean; without_vip: boolean };
  guide_attention: unknown[];
  jump_card: unknown[];
  operation_card: unknown[];
  online_switch: Record<string, string>;
  fawkes: { config_version: number; ff_version: number };
  show_switch: { long_progress: boolean };
  bgm_info: { music_id: string; music_title: string; jump_url: string } | null;
  toast_block: boolean;
  is_upower_exclusive: boolean;
  is_upower_play: boolean;
  is_ugc_pay_preview: boolean;
  elec_high_level: {
    privilege_type: number;
    title: string;
    sub_title: string;
    show_button: boolean;
    button_text: string;
    jump_url: string;
    intro: string;
    new: boolean;
  };
  disable_show_up_info: boolean;
}

/** Admin API: one play session. */
export interface AdminWatchSession {
  session: string;
  aid: number;
  cid: number;
  start_ts: number;
  played_time: number;
  realtime: number;
  real_played_time: number;
  video_duration: number;
  play_type: number;
  heartbeats: number;
  first_at: number;
  last_at: number;
}

export interface AdminArchiveStats {
  aid: number;
  view: number;
}
