import { levelInfo, membership } from '../../domain/account.ts';
import { timeDesc } from '../../domain/reply-time.ts';
import { mentionsOf } from '../../services/reply-query.service.ts';
import type {
  DialogResult,
  HotResult,
  ListResult,
  MainResult,
  ReplyViewContext,
  ThreadResult,
} from '../../services/reply-query.service.ts';
import type { AreaRow } from '../../store/repositories/area.repository.ts';
import type { ReplyRow } from '../../store/repositories/reply.repository.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type {
  CardLabel,
  ReplyAddData,
  ReplyConfig,
  ReplyContent,
  ReplyControl,
  ReplyCountData,
  ReplyDialogData,
  ReplyFolder,
  ReplyHotData,
  ReplyItem,
  ReplyItemControl,
  ReplyListData,
  ReplyMainData,
  ReplyMember,
  ReplyMemberLite,
  ReplyThreadData,
} from '../../wire/reply.schema.ts';
import { emptyPendant, faceUrl, vipLabel } from './account.mapper.ts';

/**
 * Wire objects of the comment endpoints (CONTRACT.md §2–§4), typed by their schemas in
 * `src/wire/reply.schema.ts`: the `data` of each endpoint is built here and nowhere else.
 */

export const FOLDING_RULE = 'https://www.bilibili.com/blackboard/foldingreply.html';
const CLOSED_TEXT = '当前评论区不可新增评论';

export interface MapEnv {
  ctx: ReplyViewContext;
  nowMs: number;
  publicUrl: string;
}

/** How one listing shows its reply objects (the contract's examples differ per endpoint). */
export interface ReplyStyle {
  /** `replies`: the root's previews (`[]` when none), or `null`. */
  previews: boolean;
  /** `content.max_line`: 6 in listings, 0 in the add echo, 999 in /hot. */
  maxLine: number;
  /** `floor` is present only where the contract shows it (/dialog/cursor, /hot). */
  floor: boolean;
  /** /hot: `member` and `content.members`/`jump_url` null, no `*_str` twins, `reply_control` {}. */
  trimmed: boolean;
}

const LIST_STYLE: ReplyStyle = { previews: true, maxLine: 6, floor: false, trimmed: false };
const PREVIEW_STYLE: ReplyStyle = { previews: false, maxLine: 6, floor: false, trimmed: false };
/** The root at the head of /x/v2/reply/reply: its replies are the page itself, not previews. */
const ROOT_STYLE = PREVIEW_STYLE;
const ECHO_STYLE: ReplyStyle = { previews: false, maxLine: 0, floor: false, trimmed: false };
const DIALOG_STYLE: ReplyStyle = { previews: false, maxLine: 6, floor: true, trimmed: false };
const HOT_STYLE: ReplyStyle = { previews: false, maxLine: 999, floor: true, trimmed: true };

/**
 * `attr` bits. The contract only shows 0, and 768 on a comment the uploader liked and replied to; Replay
 * reads 768 as 256 (liked by the uploader) | 512 (replied to by the uploader).
 */
const ATTR_UP_LIKED = 256;
const ATTR_UP_REPLIED = 512;

/** The reply object of §2.1, fields in the contract's order. */
export function replyObject(row: ReplyRow, env: MapEnv, style: ReplyStyle): ReplyItem {
  const previews =
    style.previews && row.root === 0
      ? (env.ctx.previews.get(row.rpid) ?? []).map((p) => replyFields(p, env, PREVIEW_STYLE, null))
      : null;
  return replyFields(row, env, style, previews);
}

/**
 * Every reply object has every key, in one order (one hidden class for the serialiser); a field the
 * style leaves out is `undefined`, which the serialiser skips exactly as `JSON.stringify` does.
 */
function replyFields<R extends ReplyItem['replies']>(
  row: ReplyRow,
  env: MapEnv,
  style: ReplyStyle,
  replies: R,
): Omit<ReplyItem, 'replies'> & { replies: R } {
  const { ctx } = env;
  const isRoot = row.root === 0;
  const upLike = row.up_like === 1;
  const upReply = row.up_reply === 1;
  const twins = !style.trimmed;
  return {
    rpid: row.rpid,
    oid: row.oid,
    type: row.type,
    mid: row.mid,
    root: row.root,
    parent: row.parent,
    dialog: row.dialog,
    count: isRoot ? row.reply_total : 0,
    rcount: isRoot ? row.rcount : 0,
    floor: style.floor ? row.floor : undefined,
    state: 0,
    fansgrade: 0,
    attr: (upLike ? ATTR_UP_LIKED : 0) | (upReply ? ATTR_UP_REPLIED : 0),
    ctime: row.ctime,
    mid_str: twins ? String(row.mid) : undefined,
    oid_str: twins ? String(row.oid) : undefined,
    rpid_str: twins ? String(row.rpid) : undefined,
    root_str: twins ? String(row.root) : undefined,
    parent_str: twins ? String(row.parent) : undefined,
    dialog_str: twins ? String(row.dialog) : undefined,
    like: row.like_count,
    action: ctx.votes.get(row.rpid) ?? 0,
    member: style.trimmed ? null : memberObject(userOf(ctx, row.mid), env),
    content: contentObject(row, env, style),
    replies,
    assist: 0,
    folder: FOLDER,
    up_action: { like: upLike, reply: upReply },
    show_follow: false,
    invisible: false,
    card_label: upLike ? [upLikedLabel(row.rpid)] : undefined,
    reply_control: style.trimmed ? {} : replyControl(row, env),
    dynamic_id_str: '0',
    note_cvid_str: '0',
    track_info: '',
  };
}

function contentObject(row: ReplyRow, env: MapEnv, style: ReplyStyle): ReplyContent {
  const emote = env.ctx.emotes.get(row.rpid);
  return {
    message: row.message,
    plat: row.plat,
    device: '',
    members: style.trimmed ? null : mentionsOf(row).map((mid) => memberLite(userOf(env.ctx, mid), env)),
    // §2.3: the key is absent, not empty, when the message uses no emote.
    emote: emote && Object.keys(emote).length > 0 ? emote : undefined,
    jump_url: style.trimmed ? null : {},
    max_line: style.maxLine,
  };
}

function replyControl(row: ReplyRow, env: MapEnv): ReplyItemControl {
  const isRoot = row.root === 0;
  const counted = isRoot && row.rcount > 0;
  return {
    max_line: isRoot ? 6 : undefined,
    up_reply: isRoot && row.up_reply === 1 ? true : undefined,
    sub_reply_entry_text: counted ? `共${row.rcount}条回复` : undefined,
    sub_reply_title_text: counted ? `相关回复共${row.rcount}条` : undefined,
    time_desc: timeDesc(row.ctime, Math.floor(env.nowMs / 1000)),
  };
}

function upLikedLabel(rpid: number): CardLabel {
  return {
    rpid,
    text_content: 'UP主觉得很赞',
    text_color_day: '#757575',
    text_color_night: '#939393',
    label_color_day: '#F4F4F4',
    label_color_night: '#1E1E1E',
    image: '',
    type: 0,
    background: '',
    background_width: 0,
    background_height: 0,
    jump_url: '',
    effect: 0,
    effect_start_time: 0,
  };
}

/** A user who no longer resolves (never expected: users are not deleted) still yields a valid member. */
function userOf(ctx: ReplyViewContext, mid: number): UserRow {
  return (
    ctx.users.get(mid) ?? {
      mid,
      uname: '账号已注销',
      password_hash: null,
      sex: '保密',
      sign: '',
      face: '',
      level: 0,
      vip_type: 0,
      vip_due_date: 0,
      official_type: -1,
      official_desc: '',
      banned: 0,
      deleted: 1,
      created_at: 0,
      updated_at: 0,
    }
  );
}

/**
 * Member objects already built for one response (keyed by its MapEnv): a member depends only on the user
 * row and the response's clock, and a page names the same few authors dozens of times. Shared, never
 * mutated: the serialiser writes each appearance in full.
 */
const membersByEnv = new WeakMap<
  MapEnv,
  { lite: Map<number, ReplyMemberLite>; full: Map<number, ReplyMember> }
>();

function membersOf(env: MapEnv) {
  let members = membersByEnv.get(env);
  if (!members) {
    members = { lite: new Map(), full: new Map() };
    membersByEnv.set(env, members);
  }
  return members;
}

/** The fields `content.members` items share with `member` (§2.3). */
function memberLite(user: UserRow, env: MapEnv): ReplyMemberLite {
  const cache = membersOf(env).lite;
  let lite = cache.get(user.mid);
  if (!lite) {
    lite = buildMemberLite(user, env);
    cache.set(user.mid, lite);
  }
  return lite;
}

function buildMemberLite(user: UserRow, env: MapEnv): ReplyMemberLite {
  const m = membership(user.vip_type, user.vip_due_date, env.nowMs);
  return {
    mid: String(user.mid),
    uname: user.uname,
    sex: user.sex,
    sign: user.sign,
    avatar: faceUrl(user, env.publicUrl),
    rank: '10000',
    DisplayRank: '0',
    face_nft_new: 0,
    is_senior_member: 0,
    level_info: {
      current_level: levelInfo(user.level).current_level,
      current_min: 0,
      current_exp: 0,
      next_exp: 0,
    },
    pendant: { ...emptyPendant(), n_pid: 0 },
    nameplate: { nid: 0, name: '', image: '', image_small: '', level: '', condition: '' },
    official_verify: { type: user.official_type, desc: user.official_desc },
    vip: {
      vipType: m.type,
      vipDueDate: m.dueDateMs,
      dueRemark: '',
      accessStatus: 0,
      vipStatus: m.status,
      vipStatusWarn: '',
      // §2.2.1: every reply example spells it themeType (nav and the player use theme_type).
      themeType: 0,
      label: vipLabel(m),
      avatar_subscript: m.status,
      avatar_subscript_url: '',
      nickname_color: m.nicknameColor,
    },
  };
}

/** The `member` object of §2.2. */
export function memberObject(user: UserRow, env: MapEnv): ReplyMember {
  const cache = membersOf(env).full;
  let member = cache.get(user.mid);
  if (!member) {
    member = buildMemberObject(user, env);
    cache.set(user.mid, member);
  }
  return member;
}

function buildMemberObject(user: UserRow, env: MapEnv): ReplyMember {
  // The lite fields first, then the rest, appended in place: spreading the lite object into a new
  // literal was the mapper's most expensive line.
  return Object.assign(buildMemberLite(user, env), {
    senior: {},
    fans_detail: null,
    following: 0,
    is_followed: 0,
    user_sailing: { pendant: null, cardbg: null, cardbg_with_focus: null },
    user_sailing_v2: {},
    is_contractor: false,
    contract_desc: '',
    nft_interaction: null,
    avatar_item: {
      container_size: { width: 1.8, height: 1.8 },
      fallback_layers: { layers: [], is_critical_group: true },
      mid: String(user.mid),
    },
  });
}

/** `config` of the listing endpoints (§3.1). */
export function listConfig(area: AreaRow): ReplyConfig {
  return {
    showadmin: 1,
    showentry: 1,
    showfloor: 0,
    showtopic: 1,
    show_up_flag: true,
    read_only: area.closed === 1,
    show_del_log: false,
  };
}

/** `control` of the listing endpoints (§3.8): a closed area disables the input box. */
export function listControl(area: AreaRow): ReplyControl {
  const closed = area.closed === 1;
  return {
    input_disable: closed,
    root_input_text: closed ? CLOSED_TEXT : '发一条友善的评论',
    child_input_text: closed ? CLOSED_TEXT : '',
    giveup_input_text: '不发没关系，请继续友善哦~',
    bg_text: '看看下面~来发评论吧',
    web_selection: false,
    answer_guide_text: '需要升级成为lv2会员后才可以评论，先去答题转正吧！',
    answer_guide_icon_url: '',
    answer_guide_ios_url: 'https://www.bilibili.com/h5/newbie/entry?navhide=1&re_src=12',
    answer_guide_android_url: 'https://www.bilibili.com/h5/newbie/entry?navhide=1&re_src=6',
    show_type: 1,
    show_text: '',
    disable_jump_emote: false,
    screenshot_icon_state: 1,
    upload_picture_icon_state: 1,
    empty_page: null,
    preload_resources: null,
    enable_charged: false,
    enable_cm_biz_helper: false,
  };
}

export const FOLDER: ReplyFolder = { has_folded: false, is_folded: false, rule: FOLDING_RULE };

const mapRows = (rows: readonly ReplyRow[], env: MapEnv, style: ReplyStyle): ReplyItem[] =>
  rows.map((row) => replyObject(row, env, style));

// --- `data` of each endpoint ------------------------------------------------------------------------

/** GET /x/v2/reply (§3.1). */
export function listData(r: ListResult, env: MapEnv): ReplyListData {
  return {
    page: r.page,
    config: listConfig(r.area),
    replies: mapRows(r.rows, env, LIST_STYLE),
    hots: mapRows(r.hots, env, LIST_STYLE),
    upper: {
      mid: r.area.owner_mid,
      top: r.pinned ? replyObject(r.pinned, env, LIST_STYLE) : null,
      vote: null,
    },
    top: null,
    notice: null,
    vote: 0,
    blacklist: 0,
    assist: 0,
    mode: 3,
    support_mode: [1, 2, 3],
    folder: FOLDER,
    lottery_card: null,
    show_bvid: false,
    control: listControl(r.area),
  };
}

/** GET /x/v2/reply/main and /wbi/main (§3.2): the pinned comment is `top.upper` and `top_replies`. */
export function mainData(r: MainResult, env: MapEnv): ReplyMainData {
  const top = r.pinned ? replyObject(r.pinned, env, LIST_STYLE) : null;
  const c = r.cursor;
  return {
    cursor: {
      is_begin: c.isBegin,
      prev: c.prev,
      next: c.next,
      is_end: c.isEnd,
      mode: c.mode,
      mode_text: '',
      all_count: Number(r.area.all_count),
      support_mode: [1, 2, 3],
      name: c.mode === 3 ? '热门评论' : '最新评论',
      pagination_reply: { next_offset: c.nextOffset, prev_offset: c.prevOffset },
      session_id: '',
      show_type: 1,
    },
    hots: mapRows(r.hots, env, LIST_STYLE),
    notice: null,
    replies: mapRows(r.rows, env, LIST_STYLE),
    top: { admin: null, upper: top, vote: null },
    top_replies: top ? [top] : [],
    lottery_card: null,
    folder: FOLDER,
    up_selection: { pending_count: 0, ignore_count: 0 },
    cm: {},
    cm_info: { ads: null },
    effects: { preloading: '' },
    assist: 0,
    blacklist: 0,
    vote: 0,
    lottery: 0,
    config: listConfig(r.area),
    upper: { mid: r.area.owner_mid },
    show_bvid: false,
    control: listControl(r.area),
    note: 1,
    esports_grade_card: null,
    callbacks: null,
    context_feature: '',
  };
}

/** GET /x/v2/reply/reply (§3.3): the root without its previews. */
export function threadData(r: ThreadResult, env: MapEnv): ReplyThreadData {
  return {
    config: listConfig(r.area),
    control: listControl(r.area),
    page: r.page,
    replies: mapRows(r.rows, env, LIST_STYLE),
    root: replyObject(r.root, env, ROOT_STYLE),
    show_bvid: false,
    show_text: '',
    show_type: 1,
    upper: { mid: r.area.owner_mid },
  };
}

/** GET /x/v2/reply/dialog/cursor (§3.4). */
export function dialogData(r: DialogResult, env: MapEnv): ReplyDialogData {
  return {
    cursor: r.cursor,
    dialog: r.dialog,
    replies: mapRows(r.rows, env, DIALOG_STYLE),
    assist: 0,
    blacklist: 0,
    vote: 0,
    lottery: 0,
    config: listConfig(r.area),
    upper: { mid: r.area.owner_mid },
    show_bvid: false,
    control: listControl(r.area),
    note: 1,
  };
}

/** GET /x/v2/reply/hot (§3.5). */
export function hotData(r: HotResult, env: MapEnv): ReplyHotData {
  return { page: r.page, replies: mapRows(r.rows, env, HOT_STYLE) };
}

/** GET /x/v2/reply/info (§3.6): one reply object. */
export function infoData(row: ReplyRow, env: MapEnv): ReplyItem {
  return replyObject(row, env, LIST_STYLE);
}

/** GET /x/v2/reply/count (§3.7). */
export function countData(count: number): ReplyCountData {
  return { count };
}

/** POST /x/v2/reply/add (§4.1): the new comment's ids, its emotes, and the echo. */
export function addData(row: ReplyRow, env: MapEnv): ReplyAddData {
  return {
    success_action: 0,
    success_toast: '发送成功',
    need_captcha: false,
    url: '',
    rpid: row.rpid,
    rpid_str: String(row.rpid),
    dialog: row.dialog,
    dialog_str: String(row.dialog),
    root: row.root,
    root_str: String(row.root),
    parent: row.parent,
    parent_str: String(row.parent),
    emote: env.ctx.emotes.get(row.rpid) ?? {},
    reply: replyObject(row, env, ECHO_STYLE),
  };
}
