import { levelInfo, membership } from '../../domain/account.ts';
import { timeDesc } from '../../domain/reply-time.ts';
import { mentionsOf } from '../../services/reply-query.service.ts';
import type { ReplyViewContext } from '../../services/reply-query.service.ts';
import type { AreaRow } from '../../store/repositories/area.repository.ts';
import type { ReplyRow } from '../../store/repositories/reply.repository.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import { emptyPendant, faceUrl } from './account.mapper.ts';

/** Wire objects of the comment endpoints (CONTRACT.md §2–§4); the only place their fields are named. */

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

export const LIST_STYLE: ReplyStyle = { previews: true, maxLine: 6, floor: false, trimmed: false };
export const PREVIEW_STYLE: ReplyStyle = { previews: false, maxLine: 6, floor: false, trimmed: false };
export const ECHO_STYLE: ReplyStyle = { previews: false, maxLine: 0, floor: false, trimmed: false };
export const DIALOG_STYLE: ReplyStyle = { previews: false, maxLine: 6, floor: true, trimmed: false };
export const HOT_STYLE: ReplyStyle = { previews: false, maxLine: 999, floor: true, trimmed: true };

/**
 * `attr` bits. The contract only shows 0, and 768 on a comment the uploader liked and replied to; Replay
 * reads 768 as 256 (liked by the uploader) | 512 (replied to by the uploader).
 */
const ATTR_UP_LIKED = 256;
const ATTR_UP_REPLIED = 512;

/** The reply object of §2.1, fields in the contract's order. */
export function replyObject(row: ReplyRow, env: MapEnv, style: ReplyStyle): Record<string, unknown> {
  const { ctx } = env;
  const isRoot = row.root === 0;
  const upLike = row.up_like === 1;
  const upReply = row.up_reply === 1;
  const obj: Record<string, unknown> = {
    rpid: row.rpid,
    oid: row.oid,
    type: row.type,
    mid: row.mid,
    root: row.root,
    parent: row.parent,
    dialog: row.dialog,
    count: isRoot ? row.reply_total : 0,
    rcount: isRoot ? row.rcount : 0,
  };
  if (style.floor) obj['floor'] = row.floor;
  obj['state'] = 0;
  obj['fansgrade'] = 0;
  obj['attr'] = (upLike ? ATTR_UP_LIKED : 0) | (upReply ? ATTR_UP_REPLIED : 0);
  obj['ctime'] = row.ctime;
  if (!style.trimmed) {
    obj['mid_str'] = String(row.mid);
    obj['oid_str'] = String(row.oid);
    obj['rpid_str'] = String(row.rpid);
    obj['root_str'] = String(row.root);
    obj['parent_str'] = String(row.parent);
    obj['dialog_str'] = String(row.dialog);
  }
  obj['like'] = row.like_count;
  obj['action'] = ctx.votes.get(row.rpid) ?? 0;
  obj['member'] = style.trimmed ? null : memberObject(userOf(ctx, row.mid), env);
  obj['content'] = contentObject(row, env, style);
  obj['replies'] =
    style.previews && isRoot
      ? (ctx.previews.get(row.rpid) ?? []).map((p) => replyObject(p, env, PREVIEW_STYLE))
      : null;
  obj['assist'] = 0;
  obj['folder'] = FOLDER;
  obj['up_action'] = { like: upLike, reply: upReply };
  obj['show_follow'] = false;
  obj['invisible'] = false;
  if (upLike) obj['card_label'] = [upLikedLabel(row.rpid)];
  obj['reply_control'] = style.trimmed ? {} : replyControl(row, env);
  obj['dynamic_id_str'] = '0';
  obj['note_cvid_str'] = '0';
  obj['track_info'] = '';
  return obj;
}

function contentObject(row: ReplyRow, env: MapEnv, style: ReplyStyle): Record<string, unknown> {
  const content: Record<string, unknown> = {
    message: row.message,
    plat: row.plat,
    device: '',
    members: style.trimmed ? null : mentionsOf(row).map((mid) => memberLite(userOf(env.ctx, mid), env)),
  };
  // §2.3: the key is absent, not empty, when the message uses no emote.
  const emote = env.ctx.emotes.get(row.rpid);
  if (emote && Object.keys(emote).length > 0) content['emote'] = emote;
  content['jump_url'] = style.trimmed ? null : {};
  content['max_line'] = style.maxLine;
  return content;
}

function replyControl(row: ReplyRow, env: MapEnv): Record<string, unknown> {
  const control: Record<string, unknown> = {};
  if (row.root === 0) {
    control['max_line'] = 6;
    if (row.up_reply === 1) control['up_reply'] = true;
    if (row.rcount > 0) {
      control['sub_reply_entry_text'] = `共${row.rcount}条回复`;
      control['sub_reply_title_text'] = `相关回复共${row.rcount}条`;
    }
  }
  control['time_desc'] = timeDesc(row.ctime, Math.floor(env.nowMs / 1000));
  return control;
}

function upLikedLabel(rpid: number) {
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
const membersByEnv = new WeakMap<MapEnv, { lite: Map<number, MemberJson>; full: Map<number, MemberJson> }>();
type MemberJson = Record<string, unknown>;

function membersOf(env: MapEnv) {
  let members = membersByEnv.get(env);
  if (!members) {
    members = { lite: new Map(), full: new Map() };
    membersByEnv.set(env, members);
  }
  return members;
}

/** The fields `content.members` items share with `member` (§2.3). */
function memberLite(user: UserRow, env: MapEnv): MemberJson {
  const cache = membersOf(env).lite;
  let lite = cache.get(user.mid);
  if (!lite) {
    lite = buildMemberLite(user, env);
    cache.set(user.mid, lite);
  }
  return lite;
}

function buildMemberLite(user: UserRow, env: MapEnv): MemberJson {
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
      label: {
        path: '',
        text: m.labelText,
        label_theme: m.labelTheme,
        text_color: m.status ? '#FFFFFF' : '',
        bg_style: m.status ? 1 : 0,
        bg_color: m.status ? '#FB7299' : '',
        border_color: '',
        use_img_label: true,
        img_label_uri_hans: '',
        img_label_uri_hant: '',
        img_label_uri_hans_static: '',
        img_label_uri_hant_static: '',
      },
      avatar_subscript: m.status,
      avatar_subscript_url: '',
      nickname_color: m.nicknameColor,
    },
  };
}

/** The `member` object of §2.2. */
export function memberObject(user: UserRow, env: MapEnv): MemberJson {
  const cache = membersOf(env).full;
  let member = cache.get(user.mid);
  if (!member) {
    member = buildMemberObject(user, env);
    cache.set(user.mid, member);
  }
  return member;
}

function buildMemberObject(user: UserRow, env: MapEnv): MemberJson {
  // The lite fields first, then the rest, appended in place: spreading the lite object into a new
  // literal was the mapper's most expensive line.
  const member = buildMemberLite(user, env);
  member['senior'] = {};
  member['fans_detail'] = null;
  member['following'] = 0;
  member['is_followed'] = 0;
  member['user_sailing'] = { pendant: null, cardbg: null, cardbg_with_focus: null };
  member['user_sailing_v2'] = {};
  member['is_contractor'] = false;
  member['contract_desc'] = '';
  member['nft_interaction'] = null;
  member['avatar_item'] = {
    container_size: { width: 1.8, height: 1.8 },
    fallback_layers: { layers: [], is_critical_group: true },
    mid: String(user.mid),
  };
  return member;
}

/** `config` of the listing endpoints (§3.1). */
export function listConfig(area: AreaRow) {
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
export function listControl(area: AreaRow) {
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

export const FOLDER = { has_folded: false, is_folded: false, rule: FOLDING_RULE };
