import Type from 'typebox';
import type { Static, TSchema } from 'typebox';
import { Nameplate, PendantWithNid, VipLabel } from './account.schema.ts';
import { Nullable, Wire } from './envelope.schema.ts';

export { Nullable } from './envelope.schema.ts';

/**
 * The comment surface (CONTRACT §2–§4): the reply object and its parts, then the `data` of each comment
 * endpoint. Field order is the order Replay writes, which follows the contract's examples.
 */

// --- member (§2.2) ---------------------------------------------------------------------------------

/** `level_info` of a member: only `current_level` means anything here; `next_exp` is always a number. */
export const ReplyLevelInfo = Wire({
  current_level: Type.Integer(),
  current_min: Type.Integer(),
  current_exp: Type.Integer(),
  next_exp: Type.Integer(),
});
export type ReplyLevelInfo = Static<typeof ReplyLevelInfo>;

/** The avatar frame of nav (`Pendant`) plus the newer `n_pid`. */
export const MemberPendant = PendantWithNid;
export type MemberPendant = PendantWithNid;

export { Nameplate } from './account.schema.ts';

/** `type`: -1 none, 0 personal, 1 organisation. */
export const OfficialVerify = Wire({ type: Type.Integer(), desc: Type.String() });
export type OfficialVerify = Static<typeof OfficialVerify>;

/** `member.vip` (§2.2.1): camelCase, and `themeType` as every reply example spells it. */
export const ReplyVip = Wire({
  vipType: Type.Integer(),
  vipDueDate: Type.Integer(),
  dueRemark: Type.String(),
  accessStatus: Type.Integer(),
  vipStatus: Type.Integer(),
  vipStatusWarn: Type.String(),
  themeType: Type.Integer(),
  label: VipLabel,
  avatar_subscript: Type.Integer(),
  avatar_subscript_url: Type.String(),
  nickname_color: Type.String(),
});
export type ReplyVip = Static<typeof ReplyVip>;

/** The fields `content.members` items share with `member` (§2.3). */
const memberLiteFields = {
  mid: Type.String(),
  uname: Type.String(),
  sex: Type.String(),
  sign: Type.String(),
  avatar: Type.String(),
  rank: Type.String(),
  DisplayRank: Type.String(),
  face_nft_new: Type.Integer(),
  is_senior_member: Type.Integer(),
  level_info: ReplyLevelInfo,
  pendant: MemberPendant,
  nameplate: Nameplate,
  official_verify: OfficialVerify,
  vip: ReplyVip,
};

/** An item of `content.members` (§2.3). */
export const ReplyMemberLite = Wire(memberLiteFields);
export type ReplyMemberLite = Static<typeof ReplyMemberLite>;

/** Fan medal (§2.2); Replay has none and writes `null`. */
export const FansDetail = Wire({
  uid: Type.Integer(),
  medal_id: Type.Integer(),
  medal_name: Type.String(),
  score: Type.Integer(),
  level: Type.Integer(),
  intimacy: Type.Integer(),
  master_status: Type.Integer(),
  is_receive: Type.Integer(),
});
export type FansDetail = Static<typeof FansDetail>;

/** `user_sailing.pendant` (§2.2.2); Replay writes `null`. */
export const SailingPendant = Wire({
  id: Type.Integer(),
  name: Type.String(),
  image: Type.String(),
  jump_url: Type.String(),
  type: Type.String(),
  image_enhance: Type.String(),
  image_enhance_frame: Type.String(),
});
export type SailingPendant = Static<typeof SailingPendant>;

/** `user_sailing.cardbg` (§2.2.2); Replay writes `null`. */
export const SailingCardbg = Wire({
  id: Type.Integer(),
  name: Type.String(),
  image: Type.String(),
  jump_url: Type.String(),
  fan: Wire({
    is_fan: Type.Integer(),
    number: Type.Integer(),
    color: Type.String(),
    name: Type.String(),
    num_desc: Type.String(),
  }),
  type: Type.String(),
});
export type SailingCardbg = Static<typeof SailingCardbg>;

/** The layered-avatar description (§2.2): the docs give only a sample; Replay writes an empty one. */
export const AvatarItem = Wire({
  container_size: Wire({ width: Type.Number(), height: Type.Number() }),
  fallback_layers: Wire({ layers: Type.Array(Type.Unknown()), is_critical_group: Type.Boolean() }),
  mid: Type.String(),
});
export type AvatarItem = Static<typeof AvatarItem>;

/** `member` (§2.2). */
export const ReplyMember = Wire({
  ...memberLiteFields,
  senior: Wire({}),
  fans_detail: Nullable(FansDetail),
  following: Type.Integer(),
  is_followed: Type.Integer(),
  user_sailing: Wire({
    pendant: Nullable(SailingPendant),
    cardbg: Nullable(SailingCardbg),
    cardbg_with_focus: Type.Null(),
  }),
  user_sailing_v2: Wire({}),
  is_contractor: Type.Boolean(),
  contract_desc: Type.String(),
  nft_interaction: Type.Null(),
  avatar_item: AvatarItem,
});
export type ReplyMember = Static<typeof ReplyMember>;

// --- content (§2.3–§2.4, §5.1) -----------------------------------------------------------------------

/** The emote object of `content.emote` and of the reply/add echo's `emote` (§5.1). */
export const Emote = Wire({
  id: Type.Integer(),
  package_id: Type.Integer(),
  state: Type.Integer(),
  /** 1 free, 2 VIP-only, 3 purchased, 4 kaomoji. */
  type: Type.Integer(),
  attr: Type.Integer(),
  /** The escape, e.g. `[大哭]`; also the key of the map it is in. */
  text: Type.String(),
  url: Type.String(),
  meta: Wire({
    size: Type.Integer(),
    alias: Type.Optional(Type.String()),
    suggest: Type.Optional(Type.Array(Type.String())),
  }),
  mtime: Type.Integer(),
  jump_title: Type.String(),
});
export type Emote = Static<typeof Emote>;

/** Escape text → emote object. */
export const EmoteMap = Type.Record(Type.String(), Emote);
export type EmoteMap = Static<typeof EmoteMap>;

/** A value of `content.jump_url` (§2.4, the examples' snake_case); Replay links nothing and writes `{}`. */
export const JumpUrl = Wire({
  title: Type.String(),
  state: Type.Integer(),
  prefix_icon: Type.String(),
  app_url_schema: Type.String(),
  app_name: Type.String(),
  app_package_name: Type.String(),
  click_report: Type.String(),
  is_half_screen: Type.Boolean(),
  exposure_report: Type.String(),
});
export type JumpUrl = Static<typeof JumpUrl>;

export const Picture = Wire({
  img_src: Type.String(),
  img_width: Type.Integer(),
  img_height: Type.Integer(),
  img_size: Type.Number(),
});
export type Picture = Static<typeof Picture>;

/** `content` (§2.3). In /hot items `members` and `jump_url` are `null`. */
export const ReplyContent = Wire({
  message: Type.String(),
  plat: Type.Integer(),
  device: Type.String(),
  members: Nullable(Type.Array(ReplyMemberLite)),
  /** Absent (not empty) when the message uses no emote. */
  emote: Type.Optional(EmoteMap),
  jump_url: Nullable(Type.Record(Type.String(), JumpUrl)),
  /** 6 in listings, 0 in the add echo, 999 in /hot. */
  max_line: Type.Integer(),
  pictures: Type.Optional(Type.Array(Picture)),
});
export type ReplyContent = Static<typeof ReplyContent>;

// --- the reply object (§2.1, §2.5–§2.7) --------------------------------------------------------------

/** `card_label` item (§2.6); Replay writes one, "UP主觉得很赞", on a comment the uploader liked. */
export const CardLabel = Wire({
  rpid: Type.Integer(),
  text_content: Type.String(),
  text_color_day: Type.String(),
  text_color_night: Type.String(),
  label_color_day: Type.String(),
  label_color_night: Type.String(),
  image: Type.String(),
  type: Type.Integer(),
  background: Type.String(),
  background_width: Type.Integer(),
  background_height: Type.Integer(),
  jump_url: Type.String(),
  effect: Type.Integer(),
  effect_start_time: Type.Integer(),
});
export type CardLabel = Static<typeof CardLabel>;

/** `folder` of a reply and of the /x/v2/reply and /main data. */
export const ReplyFolder = Wire({
  has_folded: Type.Boolean(),
  is_folded: Type.Boolean(),
  rule: Type.String(),
});
export type ReplyFolder = Static<typeof ReplyFolder>;

export const UpAction = Wire({ like: Type.Boolean(), reply: Type.Boolean() });
export type UpAction = Static<typeof UpAction>;

/** `reply_control` (§2.7): display hints, every one optional (`{}` in /hot items). */
export const ReplyItemControl = Wire({
  max_line: Type.Optional(Type.Integer()),
  up_reply: Type.Optional(Type.Boolean()),
  sub_reply_entry_text: Type.Optional(Type.String()),
  sub_reply_title_text: Type.Optional(Type.String()),
  time_desc: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  support_share: Type.Optional(Type.Boolean()),
});
export type ReplyItemControl = Static<typeof ReplyItemControl>;

/** §2.1 with the given `replies`: previews nest one level only, so a preview's own `replies` is null. */
function replyFields<R extends TSchema>(replies: R) {
  return {
    rpid: Type.Integer(),
    oid: Type.Integer(),
    type: Type.Integer(),
    mid: Type.Integer(),
    root: Type.Integer(),
    parent: Type.Integer(),
    dialog: Type.Integer(),
    count: Type.Integer(),
    rcount: Type.Integer(),
    /** Only in /dialog/cursor and /hot, as in the contract's examples. */
    floor: Type.Optional(Type.Integer()),
    state: Type.Integer(),
    fansgrade: Type.Integer(),
    attr: Type.Integer(),
    ctime: Type.Integer(),
    /** The string twins are absent from /hot items. */
    mid_str: Type.Optional(Type.String()),
    oid_str: Type.Optional(Type.String()),
    rpid_str: Type.Optional(Type.String()),
    root_str: Type.Optional(Type.String()),
    parent_str: Type.Optional(Type.String()),
    dialog_str: Type.Optional(Type.String()),
    like: Type.Integer(),
    /** The caller's vote: 0 none, 1 liked, 2 disliked. */
    action: Type.Integer(),
    /** `null` in /hot items. */
    member: Nullable(ReplyMember),
    content: ReplyContent,
    replies,
    assist: Type.Integer(),
    folder: ReplyFolder,
    up_action: UpAction,
    show_follow: Type.Boolean(),
    invisible: Type.Boolean(),
    /** Present only when there is a label. */
    card_label: Type.Optional(Type.Array(CardLabel)),
    reply_control: ReplyItemControl,
    dynamic_id_str: Type.String(),
    note_cvid_str: Type.String(),
    track_info: Type.String(),
  };
}

/** A preview under a level-1 comment (§2.5). */
export const PreviewReply = Wire(replyFields(Type.Null()));
export type PreviewReply = Static<typeof PreviewReply>;

/** The reply object (§2.1). */
export const ReplyItem = Wire(replyFields(Nullable(Type.Array(PreviewReply))));
export type ReplyItem = Static<typeof ReplyItem>;

// --- listing pieces (§3) -----------------------------------------------------------------------------

/** `config` (§3.1). */
export const ReplyConfig = Wire({
  showadmin: Type.Integer(),
  showentry: Type.Integer(),
  showfloor: Type.Integer(),
  showtopic: Type.Integer(),
  show_up_flag: Type.Boolean(),
  read_only: Type.Boolean(),
  show_del_log: Type.Boolean(),
});
export type ReplyConfig = Static<typeof ReplyConfig>;

/** `control` (§3.8): the input box. */
export const ReplyControl = Wire({
  input_disable: Type.Boolean(),
  root_input_text: Type.String(),
  child_input_text: Type.String(),
  giveup_input_text: Type.String(),
  bg_text: Type.String(),
  web_selection: Type.Boolean(),
  answer_guide_text: Type.String(),
  answer_guide_icon_url: Type.String(),
  answer_guide_ios_url: Type.String(),
  answer_guide_android_url: Type.String(),
  show_type: Type.Integer(),
  show_text: Type.String(),
  disable_jump_emote: Type.Boolean(),
  screenshot_icon_state: Type.Integer(),
  upload_picture_icon_state: Type.Integer(),
  empty_page: Type.Null(),
  preload_resources: Type.Null(),
  enable_charged: Type.Boolean(),
  enable_cm_biz_helper: Type.Boolean(),
});
export type ReplyControl = Static<typeof ReplyControl>;

/** `notice` (§3.1): an area announcement; Replay has none and writes `null`. */
export const ReplyNotice = Wire({
  content: Type.String(),
  id: Type.Integer(),
  link: Type.String(),
  title: Type.String(),
});
export type ReplyNotice = Static<typeof ReplyNotice>;

/** `upper` of every listing but /x/v2/reply. */
export const ReplyUpper = Wire({ mid: Type.Integer() });
export type ReplyUpper = Static<typeof ReplyUpper>;

/** `page` of /x/v2/reply: `count` root comments, `acount` all comments. */
export const ReplyListPage = Wire({
  num: Type.Integer(),
  size: Type.Integer(),
  count: Type.Integer(),
  acount: Type.Integer(),
});
export type ReplyListPage = Static<typeof ReplyListPage>;

/** `data` of GET /x/v2/reply (§3.1). */
export const ReplyListData = Wire({
  page: ReplyListPage,
  config: ReplyConfig,
  replies: Nullable(Type.Array(ReplyItem)),
  hots: Nullable(Type.Array(ReplyItem)),
  /** `top`: the pinned comment; `vote`: always null in Replay. */
  upper: Wire({ mid: Type.Integer(), top: Nullable(ReplyItem), vote: Type.Null() }),
  top: Type.Null(),
  notice: Nullable(ReplyNotice),
  vote: Type.Integer(),
  blacklist: Type.Integer(),
  assist: Type.Integer(),
  mode: Type.Integer(),
  support_mode: Type.Array(Type.Integer()),
  folder: ReplyFolder,
  lottery_card: Type.Null(),
  show_bvid: Type.Boolean(),
  control: ReplyControl,
});
export type ReplyListData = Static<typeof ReplyListData>;

/** `cursor` of /x/v2/reply/wbi/main (§3.2). */
export const ReplyMainCursor = Wire({
  is_begin: Type.Boolean(),
  prev: Type.Integer(),
  next: Type.Integer(),
  is_end: Type.Boolean(),
  mode: Type.Integer(),
  mode_text: Type.String(),
  all_count: Type.Integer(),
  support_mode: Type.Array(Type.Integer()),
  /** "热门评论" (mode 3) or "最新评论". */
  name: Type.String(),
  /** `next_offset` is the `offset` of the next page's `pagination_str`. */
  pagination_reply: Wire({ next_offset: Type.String(), prev_offset: Type.String() }),
  session_id: Type.String(),
  show_type: Type.Integer(),
});
export type ReplyMainCursor = Static<typeof ReplyMainCursor>;

/** `top` of /main: the pinned comment is `upper`. */
export const ReplyMainTop = Wire({ admin: Type.Null(), upper: Nullable(ReplyItem), vote: Type.Null() });
export type ReplyMainTop = Static<typeof ReplyMainTop>;

/** `data` of GET /x/v2/reply/main and /x/v2/reply/wbi/main (§3.2). */
export const ReplyMainData = Wire({
  cursor: ReplyMainCursor,
  hots: Nullable(Type.Array(ReplyItem)),
  notice: Nullable(ReplyNotice),
  replies: Nullable(Type.Array(ReplyItem)),
  top: ReplyMainTop,
  top_replies: Nullable(Type.Array(ReplyItem)),
  lottery_card: Type.Null(),
  folder: ReplyFolder,
  up_selection: Wire({ pending_count: Type.Integer(), ignore_count: Type.Integer() }),
  cm: Wire({}),
  cm_info: Wire({ ads: Type.Null() }),
  effects: Wire({ preloading: Type.String() }),
  assist: Type.Integer(),
  blacklist: Type.Integer(),
  vote: Type.Integer(),
  lottery: Type.Integer(),
  config: ReplyConfig,
  upper: ReplyUpper,
  show_bvid: Type.Boolean(),
  control: ReplyControl,
  note: Type.Integer(),
  esports_grade_card: Type.Null(),
  callbacks: Type.Null(),
  context_feature: Type.String(),
});
export type ReplyMainData = Static<typeof ReplyMainData>;

/** `page` of /x/v2/reply/reply: `count` replies under the root. */
export const ReplyThreadPage = Wire({ count: Type.Integer(), num: Type.Integer(), size: Type.Integer() });
export type ReplyThreadPage = Static<typeof ReplyThreadPage>;

/** `data` of GET /x/v2/reply/reply (§3.3). */
export const ReplyThreadData = Wire({
  config: ReplyConfig,
  control: ReplyControl,
  page: ReplyThreadPage,
  replies: Type.Array(ReplyItem),
  root: ReplyItem,
  show_bvid: Type.Boolean(),
  show_text: Type.String(),
  show_type: Type.Integer(),
  upper: ReplyUpper,
});
export type ReplyThreadData = Static<typeof ReplyThreadData>;

/** Floor range of a page (`cursor`, with its item count) and of the whole thread (`dialog`). */
export const DialogCursor = Wire({
  min_floor: Type.Integer(),
  max_floor: Type.Integer(),
  size: Type.Integer(),
});
export type DialogCursor = Static<typeof DialogCursor>;
export const DialogRange = Wire({ min_floor: Type.Integer(), max_floor: Type.Integer() });
export type DialogRange = Static<typeof DialogRange>;

/** `data` of GET /x/v2/reply/dialog/cursor (§3.4). */
export const ReplyDialogData = Wire({
  cursor: DialogCursor,
  dialog: DialogRange,
  replies: Type.Array(ReplyItem),
  assist: Type.Integer(),
  blacklist: Type.Integer(),
  vote: Type.Integer(),
  lottery: Type.Integer(),
  config: ReplyConfig,
  upper: ReplyUpper,
  show_bvid: Type.Boolean(),
  control: ReplyControl,
  note: Type.Integer(),
});
export type ReplyDialogData = Static<typeof ReplyDialogData>;

/** `page` of /x/v2/reply/hot. */
export const ReplyHotPage = Wire({
  acount: Type.Integer(),
  count: Type.Integer(),
  num: Type.Integer(),
  size: Type.Integer(),
});
export type ReplyHotPage = Static<typeof ReplyHotPage>;

/** `data` of GET /x/v2/reply/hot (§3.5): trimmed items. */
export const ReplyHotData = Wire({ page: ReplyHotPage, replies: Type.Array(ReplyItem) });
export type ReplyHotData = Static<typeof ReplyHotData>;

/** `data` of GET /x/v2/reply/count (§3.7). */
export const ReplyCountData = Wire({ count: Type.Integer() });
export type ReplyCountData = Static<typeof ReplyCountData>;

// --- actions (§4) ------------------------------------------------------------------------------------

/** `data` of POST /x/v2/reply/add (§4.1): ids of the new comment and its echo. */
export const ReplyAddData = Wire({
  success_action: Type.Integer(),
  success_toast: Type.String(),
  need_captcha: Type.Boolean(),
  url: Type.String(),
  rpid: Type.Integer(),
  rpid_str: Type.String(),
  dialog: Type.Integer(),
  dialog_str: Type.String(),
  root: Type.Integer(),
  root_str: Type.String(),
  parent: Type.Integer(),
  parent_str: Type.String(),
  /** Always present here, `{}` when the message uses no emote. */
  emote: EmoteMap,
  reply: Nullable(ReplyItem),
});
export type ReplyAddData = Static<typeof ReplyAddData>;
