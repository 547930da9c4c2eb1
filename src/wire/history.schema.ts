import Type from 'typebox';
import type { Static } from 'typebox';
import { LevelInfo, Vip } from './account.schema.ts';
import { Wire } from './envelope.schema.ts';

/** Watch history (CONTRACT.md §7) and the player (§8), in the contract's field order. */

/** `business` of an entry: the §7.1 values plus `cheese` (courses), which the §7.2 list documents. */
export const HistoryBusiness = Type.Union([
  Type.Literal('archive'),
  Type.Literal('pgc'),
  Type.Literal('cheese'),
  Type.Literal('live'),
  Type.Literal('article-list'),
  Type.Literal('article'),
]);
export type HistoryBusiness = Static<typeof HistoryBusiness>;

/** `data.cursor` of `/x/web-interface/history/cursor`: what to pass for the next page ("" / 0 at the end). */
export const HistoryCursor = Wire({
  max: Type.Integer(),
  view_at: Type.Integer(),
  business: Type.Union([HistoryBusiness, Type.Literal('')]),
  ps: Type.Integer(),
});
export type HistoryCursor = Static<typeof HistoryCursor>;

export const HistoryTab = Wire({ type: Type.String(), name: Type.String() });
export type HistoryTab = Static<typeof HistoryTab>;

/** One `list[]` item of the cursor list (§7.1): an archive, or a season (pgc) / course (cheese). */
export const HistoryCursorItem = Wire({
  title: Type.String(),
  /** The episode's long title (pgc), the lesson title (cheese); "" for archives. */
  long_title: Type.String(),
  cover: Type.String(),
  covers: Type.Union([Type.Array(Type.String()), Type.Null()]),
  /** The season's or course's page (pgc/cheese); "" for archives. */
  uri: Type.String(),
  history: Wire({
    /** The avid: of the archive, or of the episode's archive. */
    oid: Type.Integer(),
    epid: Type.Integer(),
    bvid: Type.String(),
    page: Type.Integer(),
    cid: Type.Integer(),
    part: Type.String(),
    business: HistoryBusiness,
    dt: Type.Integer(),
  }),
  videos: Type.Integer(),
  author_name: Type.String(),
  author_face: Type.String(),
  author_mid: Type.Integer(),
  view_at: Type.Integer(),
  /** Seconds; -1 = finished. */
  progress: Type.Integer(),
  badge: Type.String(),
  show_title: Type.String(),
  duration: Type.Integer(),
  current: Type.String(),
  total: Type.Integer(),
  new_desc: Type.String(),
  is_finish: Type.Integer(),
  is_fav: Type.Integer(),
  /** The avid of an archive, the ssid of a season or course. */
  kid: Type.Integer(),
  tag_name: Type.String(),
  live_status: Type.Integer(),
});
export type HistoryCursorItem = Static<typeof HistoryCursorItem>;

export const HistoryCursorData = Wire({
  cursor: HistoryCursor,
  tab: Type.Array(HistoryTab),
  list: Type.Array(HistoryCursorItem),
});
export type HistoryCursorData = Static<typeof HistoryCursorData>;

export const Dimension = Wire({ width: Type.Integer(), height: Type.Integer(), rotate: Type.Integer() });
export type Dimension = Static<typeof Dimension>;

const Flag = Type.Integer();

/** `bangumi` of a pgc entry of `/x/v2/history` (§7.2). */
export const HistoryBangumi = Wire({
  ep_id: Type.Integer(),
  /** The episode number as text ("8"). */
  title: Type.String(),
  long_title: Type.String(),
  episode_status: Type.Integer(),
  follow: Type.Integer(),
  cover: Type.String(),
  season: Wire({
    season_id: Type.Integer(),
    title: Type.String(),
    season_status: Type.Integer(),
    is_finish: Type.Integer(),
    total_count: Type.Integer(),
    newest_ep_id: Type.Integer(),
    newest_ep_index: Type.String(),
    season_type: Type.Integer(),
  }),
});
export type HistoryBangumi = Static<typeof HistoryBangumi>;

/** `cheese` of a course entry of `/x/v2/history` (§7.2). */
export const HistoryCheese = Wire({
  cover: Type.String(),
  long_title: Type.String(),
  /** The lesson's position as text ("3"). */
  number: Type.String(),
  season_id: Type.Integer(),
  update_info: Type.String(),
});
export type HistoryCheese = Static<typeof HistoryCheese>;

/**
 * The archive's own fields as every archive object starts them (video info after `bvid`, history and
 * watch-later items after `aid`), in Bilibili's order.
 */
export const ArchiveHeadFields = {
  videos: Type.Integer(),
  tid: Type.Integer(),
  tname: Type.String(),
  copyright: Type.Integer(),
  pic: Type.String(),
  title: Type.String(),
  pubdate: Type.Integer(),
  ctime: Type.Integer(),
  desc: Type.String(),
  state: Type.Integer(),
};

/** One entry of `/x/v2/history` (§7.2); `bangumi` only on pgc entries, `cheese` only on course entries. */
export const HistoryEntry = Wire({
  aid: Type.Integer(),
  ...ArchiveHeadFields,
  attribute: Type.Integer(),
  duration: Type.Integer(),
  rights: Wire({
    bp: Flag,
    elec: Flag,
    download: Flag,
    movie: Flag,
    pay: Flag,
    hd5: Flag,
    no_reprint: Flag,
    autoplay: Flag,
    ugc_pay: Flag,
    is_cooperation: Flag,
    ugc_pay_preview: Flag,
    no_background: Flag,
  }),
  owner: Wire({ mid: Type.Integer(), name: Type.String(), face: Type.String() }),
  stat: Wire({
    aid: Type.Integer(),
    view: Type.Integer(),
    danmaku: Type.Integer(),
    reply: Type.Integer(),
    favorite: Type.Integer(),
    coin: Type.Integer(),
    share: Type.Integer(),
    now_rank: Type.Integer(),
    his_rank: Type.Integer(),
    like: Type.Integer(),
    dislike: Type.Integer(),
  }),
  dynamic: Type.String(),
  cid: Type.Integer(),
  dimension: Dimension,
  bangumi: Type.Optional(HistoryBangumi),
  cheese: Type.Optional(HistoryCheese),
  favorite: Type.Boolean(),
  /** 3 archive, 4 season episode, 10 course lesson. */
  type: Type.Integer(),
  sub_type: Type.Integer(),
  device: Type.Integer(),
  page: Wire({
    cid: Type.Integer(),
    page: Type.Integer(),
    from: Type.String(),
    part: Type.String(),
    duration: Type.Integer(),
    vid: Type.String(),
    weblink: Type.String(),
    dimension: Dimension,
  }),
  count: Type.Integer(),
  progress: Type.Integer(),
  view_at: Type.Integer(),
  kid: Type.Integer(),
  business: HistoryBusiness,
  redirect_link: Type.String(),
  bvid: Type.String(),
});
export type HistoryEntry = Static<typeof HistoryEntry>;

export const HistoryList = Type.Array(HistoryEntry);

/** `data` of `/x/v2/history/shadow`: whether recording is paused (§7.5), a bare boolean. */
export const HistoryShadowData = Type.Boolean();
export type HistoryShadowData = Static<typeof HistoryShadowData>;

/** `data` of `/x/player/v2` and `/x/player/wbi/v2` (§8.1). */
export const PlayerData = Wire({
  aid: Type.Integer(),
  bvid: Type.String(),
  allow_bp: Type.Boolean(),
  no_share: Type.Boolean(),
  cid: Type.Integer(),
  max_limit: Type.Integer(),
  page_no: Type.Integer(),
  has_next: Type.Boolean(),
  ip_info: Wire({
    ip: Type.String(),
    zone_ip: Type.String(),
    zone_id: Type.Integer(),
    country: Type.String(),
    province: Type.String(),
    city: Type.String(),
  }),
  login_mid: Type.Integer(),
  login_mid_hash: Type.String(),
  is_owner: Type.Boolean(),
  name: Type.String(),
  permission: Type.String(),
  level_info: LevelInfo,
  vip: Wire({ ...Vip.properties, avatar_icon: Wire({ icon_resource: Wire({}) }) }),
  answer_status: Type.Integer(),
  block_time: Type.Integer(),
  role: Type.String(),
  /** Resume position in **milliseconds** (0 when finished or never watched). */
  last_play_time: Type.Integer(),
  last_play_cid: Type.Integer(),
  now_time: Type.Integer(),
  online_count: Type.Integer(),
  need_login_subtitle: Type.Boolean(),
  subtitle: Wire({
    allow_submit: Type.Boolean(),
    lan: Type.String(),
    lan_doc: Type.String(),
    subtitles: Type.Array(Type.Unknown()),
  }),
  view_points: Type.Array(Type.Unknown()),
  preview_toast: Type.String(),
  options: Wire({ is_360: Type.Boolean(), without_vip: Type.Boolean() }),
  guide_attention: Type.Array(Type.Unknown()),
  jump_card: Type.Array(Type.Unknown()),
  operation_card: Type.Array(Type.Unknown()),
  online_switch: Wire({
    enable_gray_dash_playback: Type.String(),
    new_broadcast: Type.String(),
    realtime_dm: Type.String(),
    subtitle_submit_switch: Type.String(),
  }),
  fawkes: Wire({ config_version: Type.Integer(), ff_version: Type.Integer() }),
  show_switch: Wire({ long_progress: Type.Boolean() }),
  bgm_info: Type.Union([
    Wire({ music_id: Type.String(), music_title: Type.String(), jump_url: Type.String() }),
    Type.Null(),
  ]),
  toast_block: Type.Boolean(),
  is_upower_exclusive: Type.Boolean(),
  is_upower_play: Type.Boolean(),
  is_ugc_pay_preview: Type.Boolean(),
  elec_high_level: Wire({
    privilege_type: Type.Integer(),
    title: Type.String(),
    sub_title: Type.String(),
    show_button: Type.Boolean(),
    button_text: Type.String(),
    jump_url: Type.String(),
    intro: Type.String(),
    new: Type.Boolean(),
  }),
  disable_show_up_info: Type.Boolean(),
});
export type PlayerData = Static<typeof PlayerData>;
