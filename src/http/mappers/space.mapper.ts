import type { Membership } from '../../domain/account.ts';
import { levelInfo, membership } from '../../domain/account.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type {
  CardVip,
  MyInfoData,
  MyInfoVip,
  Nameplate,
  Official,
  ShortVipLabel,
  SpaceInfoData,
  UserCard,
  UserCardData,
} from '../../wire/space.schema.ts';
import { emptyPendant, faceUrl, vipLabel, vipObject } from './account.mapper.ts';

/**
 * The account reads of docs/api/account.md, filled from the user record. What Replay does not track
 * (followers, coins, medals, birthdays, banners) is 0, false, empty or null, as Bilibili answers for an
 * account that has none.
 */

/** Bilibili's legacy rank of an ordinary account. */
const NORMAL_RANK = 10000;

export interface SpaceContext {
  publicUrl: string;
  nowMs: number;
}

/** -1 none, 0 person, 1 organisation; `role` as nav derives it (1 person, 3 organisation). */
export function officialOf(user: UserRow): Official {
  const verified = user.official_type >= 0;
  return {
    role: verified ? (user.official_type === 0 ? 1 : 3) : 0,
    title: user.official_desc,
    desc: '',
    type: verified ? (user.official_type === 1 ? 1 : 0) : -1,
  };
}

function emptyNameplate(): Nameplate {
  return { nid: 0, name: '', image: '', image_small: '', level: '', condition: '' };
}

function shortLabel(m: Membership): ShortVipLabel {
  const { path, text, label_theme, text_color, bg_style, bg_color, border_color } = vipLabel(m);
  return { path, text, label_theme, text_color, bg_style, bg_color, border_color };
}

function shortVip(m: Membership): MyInfoVip {
  const full = vipObject(m);
  return {
    type: full.type,
    status: full.status,
    due_date: full.due_date,
    vip_pay_type: full.vip_pay_type,
    theme_type: full.theme_type,
    label: shortLabel(m),
    avatar_subscript: full.avatar_subscript,
    nickname_color: full.nickname_color,
    role: full.role,
    avatar_subscript_url: full.avatar_subscript_url,
  };
}

/** `data` of `/x/space/myinfo`: the signed-in user's own record. */
export function myInfoData(user: UserRow, ctx: SpaceContext): MyInfoData {
  const m = membership(user.vip_type, user.vip_due_date, ctx.nowMs);
  return {
    mid: user.mid,
    name: user.uname,
    sex: user.sex,
    face: faceUrl(user, ctx.publicUrl),
    sign: user.sign,
    rank: NORMAL_RANK,
    level: levelInfo(user.level).current_level,
    jointime: 0,
    moral: 70,
    silence: user.banned ? 1 : 0,
    email_status: 0,
    tel_status: 0,
    identification: 1,
    vip: shortVip(m),
    pendant: emptyPendant(),
    nameplate: emptyNameplate(),
    official: officialOf(user),
    birthday: 0,
    is_tourist: 0,
    is_fake_account: 0,
    pin_prompting: 0,
    is_deleted: 0,
    in_reg_audit: 0,
    is_rip_user: false,
    profession: { id: 0, name: '', show_name: '' },
    level_exp: levelInfo(user.level),
    coins: 0,
    following: 0,
    follower: 0,
  };
}

/** `data` of `/x/space/wbi/acc/info`: anyone's public space card. */
export function spaceInfoData(user: UserRow, ctx: SpaceContext): SpaceInfoData {
  const m = membership(user.vip_type, user.vip_due_date, ctx.nowMs);
  return {
    mid: user.mid,
    name: user.uname,
    sex: user.sex,
    face: faceUrl(user, ctx.publicUrl),
    face_nft: 0,
    face_nft_type: 0,
    sign: user.sign,
    rank: NORMAL_RANK,
    level: levelInfo(user.level).current_level,
    jointime: 0,
    moral: 0,
    silence: user.banned ? 1 : 0,
    coins: 0,
    fans_badge: false,
    fans_medal: { show: false, wear: false, medal: null },
    official: officialOf(user),
    vip: { ...vipObject(m), avatar_icon: { icon_type: 0, icon_resource: {} } },
    pendant: { ...emptyPendant(), n_pid: 0 },
    nameplate: emptyNameplate(),
    user_honour_info: { mid: 0, colour: null, tags: [], is_latest_100honour: 0 },
    is_followed: false,
    top_photo: '',
    theme: {},
    sys_notice: {},
    live_room: null,
    birthday: '',
    school: { name: '' },
    profession: { name: '', department: '', title: '', is_show: 0 },
    tags: null,
    series: { user_upgrade_status: 3, show_upgrade_window: false },
    is_senior_member: 0,
    mcn_info: null,
    gaia_res_type: 0,
    gaia_data: null,
    is_risk: false,
    elec: { show_info: { show: false, state: -1, title: '', icon: '', jump_url: '' } },
    contract: { is_display: false, is_follow_display: false },
    certificate_show: false,
    name_render: null,
  };
}

/** `data` of `/x/web-interface/card`; `space` only when the caller asked for the banner (`photo`). */
export function userCardData(
  user: UserRow,
  archiveCount: number,
  photo: boolean,
  ctx: SpaceContext,
): UserCardData {
  const m = membership(user.vip_type, user.vip_due_date, ctx.nowMs);
  const vip: CardVip = { ...shortVip(m), vipType: m.type, vipStatus: m.status };
  const official = officialOf(user);
  const card: UserCard = {
    mid: String(user.mid),
    approve: false,
    name: user.uname,
    sex: user.sex,
    rank: String(NORMAL_RANK),
    face: faceUrl(user, ctx.publicUrl),
    DisplayRank: '0',
    regtime: 0,
    spacesta: user.banned ? -2 : 0,
    birthday: '',
    place: '',
    description: '',
    article: 0,
    attentions: [],
    fans: 0,
    friend: 0,
    attention: 0,
    sign: user.sign,
    level_info: levelInfo(user.level),
    pendant: emptyPendant(),
    nameplate: emptyNameplate(),
    Official: official,
    official_verify: { type: official.type, desc: user.official_desc },
    vip,
  };
  const rest = {
    following: false,
    archive_count: archiveCount,
    article_count: 0,
    follower: 0,
    like_num: 0,
  };
  // Replay keeps no space banners: asked for one, the card carries `space` with empty links.
  return photo ? { card, space: { s_img: '', l_img: '' }, ...rest } : { card, ...rest };
}
