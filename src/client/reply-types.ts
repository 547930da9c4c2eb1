/** Wire types of the comment endpoints (CONTRACT.md §2–§4); field names are the contract's. */
import type { Emote } from './emote-api.ts';

export interface ReplyLevelInfo {
  current_level: number;
  current_min: number;
  current_exp: number;
  next_exp: number;
}

export interface ReplyVip {
  vipType: number;
  vipDueDate: number;
  dueRemark: string;
  accessStatus: number;
  vipStatus: number;
  vipStatusWarn: string;
  themeType: number;
  label: {
    path: string;
    text: string;
    label_theme: string;
    text_color: string;
    bg_style: number;
    bg_color: string;
    border_color: string;
    use_img_label?: boolean;
    img_label_uri_hans?: string;
    img_label_uri_hant?: string;
    img_label_uri_hans_static?: string;
    img_label_uri_hant_static?: string;
  };
  avatar_subscript: number;
  avatar_subscript_url?: string;
  nickname_color: string;
}

/** An item of `content.members` (§2.3). */
export interface ReplyMemberLite {
  mid: string;
  uname: string;
  sex: string;
  sign: string;
  avatar: string;
  rank: string;
  DisplayRank: string;
  face_nft_new: number;
  is_senior_member: number;
  level_info: ReplyLevelInfo;
  pendant: {
    pid: number;
    name: string;
    image: string;
    expire: number;
    image_enhance: string;
    image_enhance_frame: string;
    n_pid?: number;
  };
  nameplate: {
    nid: number;
    name: string;
    image: string;
    image_small: string;
    level: string;
    condition: string;
  };
  official_verify: { type: number; desc: string };
  vip: ReplyVip;
}

/** `member` (§2.2). */
export interface ReplyMember extends ReplyMemberLite {
  senior?: Record<string, never>;
  fans_detail: unknown;
  following: number;
  is_followed: number;
  user_sailing: { pendant: unknown; cardbg: unknown; cardbg_with_focus: unknown };
  user_sailing_v2?: Record<string, unknown>;
  is_contractor: boolean;
  contract_desc: string;
  nft_interaction?: unknown;
  avatar_item?: unknown;
}

export interface ReplyContent {
  message: string;
  plat: number;
  device: string;
  members: ReplyMemberLite[] | null;
  /** Absent when the message uses no emote. */
  emote?: Record<string, Emote>;
  jump_url: Record<string, unknown> | null;
  max_line: number;
  pictures?: { img_src: string; img_width: number; img_height: number; img_size: number }[];
}

export interface CardLabel {
  rpid: number;
  text_content: string;
  text_color_day: string;
  text_color_night: string;
  label_color_day: string;
  label_color_night: string;
  image: string;
  type: number;
  background: string;
  background_width: number;
  background_height: number;
  jump_url: string;
  effect?: number;
  effect_start_time?: number;
}

/** The reply object (§2.1). `/x/v2/reply/hot` items lack the `*_str` twins and have `member: null`. */
export interface ReplyItem {
  rpid: number;
  oid: number;
  type: number;
  mid: number;
  root: number;
  parent: number;
  dialog: number;
  count: number;
  rcount: number;
  floor?: number;
  state: number;
  fansgrade: number;
  attr: number;
  ctime: number;
  mid_str?: string;
  oid_str?: string;
  rpid_str?: string;
  root_str?: string;
  parent_str?: string;
  dialog_str?: string;
  like: number;
  /** The caller's vote: 0 none, 1 liked, 2 disliked. */
  action: number;
  member: ReplyMember | null;
  content: ReplyContent;
  replies: ReplyItem[] | null;
  assist: number;
  folder: ReplyFolder;
  up_action: { like: boolean; reply: boolean };
  show_follow: boolean;
  invisible: boolean;
  card_label?: CardLabel[];
  reply_control: {
    max_line?: number;
    sub_reply_entry_text?: string;
    sub_reply_title_text?: string;
    time_desc?: string;
    location?: string;
    support_share?: boolean;
    up_reply?: boolean;
  };
  dynamic_id_str?: string;
  note_cvid_str?: string;
  track_info?: string;
}

export interface ReplyFolder {
  has_folded: boolean;
  is_folded: boolean;
  rule: string;
}

export interface ReplyConfig {
  showadmin: number;
  showentry: number;
  showfloor: number;
  showtopic: number;
  show_up_flag: boolean;
  read_only: boolean;
  show_del_log: boolean;
}

/** `control` (§3.8). */
export interface ReplyControl {
  input_disable: boolean;
  root_input_text: string;
  child_input_text: string;
  giveup_input_text: string;
  bg_text: string;
  web_selection: boolean;
  answer_guide_text: string;
  answer_guide_icon_url: string;
  answer_guide_ios_url: string;
  answer_guide_android_url: string;
  show_type: number;
  show_text: string;
  disable_jump_emote?: boolean;
  [key: string]: unknown;
}

/** `data` of GET /x/v2/reply (§3.1). */
export interface ReplyListData {
  page: { num: number; size: number; count: number; acount: number };
  config: ReplyConfig;
  replies: ReplyItem[] | null;
  hots: ReplyItem[] | null;
  upper: { mid: number; top: ReplyItem | null; vote: unknown };
  top: null;
  notice: unknown;
  vote: number;
  blacklist: number;
  assist: number;
  mode: number;
  support_mode: number[];
  folder: ReplyFolder;
  lottery_card: null;
  show_bvid: boolean;
  control: ReplyControl;
}

/** `data` of GET /x/v2/reply/wbi/main (§3.2). */
export interface ReplyMainData {
  cursor: {
    all_count: number;
    is_begin: boolean;
    prev: number;
    next: number;
    is_end: boolean;
    mode: number;
    mode_text: string;
    show_type?: number;
    support_mode: number[];
    name: string;
    pagination_reply: { next_offset: string; prev_offset?: string };
    session_id: string;
  };
  hots: ReplyItem[] | null;
  notice: unknown;
  replies: ReplyItem[] | null;
  top: { admin: ReplyItem | null; upper: ReplyItem | null; vote: ReplyItem | null };
  top_replies: ReplyItem[] | null;
  lottery_card: null;
  folder: ReplyFolder;
  up_selection: { pending_count: number; ignore_count: number };
  cm: Record<string, unknown>;
  cm_info: { ads: unknown };
  effects: { preloading: string };
  assist: number;
  blacklist: number;
  vote: number;
  lottery?: number;
  config: Partial<ReplyConfig>;
  upper: { mid: number };
  show_bvid: boolean;
  control: ReplyControl;
  note: number;
  esports_grade_card: null;
  callbacks: null;
  context_feature: string;
}

/** `data` of GET /x/v2/reply/reply (§3.3). */
export interface ReplyThreadData {
  config: ReplyConfig;
  control: ReplyControl;
  page: { count: number; num: number; size: number };
  replies: ReplyItem[];
  root: ReplyItem;
  show_bvid: boolean;
  show_text: string;
  show_type: number;
  upper: { mid: number };
}

/** `data` of GET /x/v2/reply/dialog/cursor (§3.4). */
export interface ReplyDialogData {
  cursor: { min_floor: number; max_floor: number; size: number };
  dialog: { min_floor: number; max_floor: number };
  replies: ReplyItem[];
  assist: number;
  blacklist: number;
  vote: number;
  lottery: number;
  config: ReplyConfig;
  upper: { mid: number };
  show_bvid: boolean;
  control: ReplyControl;
  note: number;
}

/** `data` of GET /x/v2/reply/hot (§3.5). */
export interface ReplyHotData {
  page: { acount: number; count: number; num: number; size: number };
  replies: ReplyItem[];
}

/** `data` of POST /x/v2/reply/add (§4.1). */
export interface ReplyAddData {
  success_action: number;
  success_toast: string;
  need_captcha: boolean;
  url: string;
  rpid: number;
  rpid_str: string;
  dialog: number;
  dialog_str: string;
  root: number;
  root_str: string;
  parent: number;
  parent_str: string;
  emote: Record<string, Emote>;
  reply: ReplyItem | null;
}

export interface AreaParams {
  type: number;
  oid: number;
}

export interface ReplyTargetParams extends AreaParams {
  rpid: number;
}
