import Type from 'typebox';
import type { Static } from 'typebox';
import { LevelInfo, Nameplate, Pendant, PendantWithNid, Vip, VipLabel } from './account.schema.ts';
import { Wire } from './envelope.schema.ts';

/**
 * The account reads clients use to learn who a user is: `/x/space/myinfo` (oneself),
 * `/x/space/wbi/acc/info` (anyone's space card) and `/x/web-interface/card` (the hover card). Each has its
 * own dialect of the same pieces (see docs/api/account.md), so each gets its own objects here, in the
 * field order of Bilibili's examples.
 */

/** `vip.label` of myinfo and the card: the seven keys of the older label, without the image variants. */
export const ShortVipLabel = Wire({
  path: VipLabel.properties.path,
  text: VipLabel.properties.text,
  label_theme: VipLabel.properties.label_theme,
  text_color: VipLabel.properties.text_color,
  bg_style: VipLabel.properties.bg_style,
  bg_color: VipLabel.properties.bg_color,
  border_color: VipLabel.properties.border_color,
});
export type ShortVipLabel = Static<typeof ShortVipLabel>;

const shortVip = {
  type: Type.Integer(),
  status: Type.Integer(),
  /** Unix milliseconds. */
  due_date: Type.Integer(),
  vip_pay_type: Type.Integer(),
  theme_type: Type.Integer(),
  label: ShortVipLabel,
  avatar_subscript: Type.Integer(),
  nickname_color: Type.String(),
  role: Type.Integer(),
  avatar_subscript_url: Type.String(),
};

/** `vip` of myinfo. */
export const MyInfoVip = Wire(shortVip);
export type MyInfoVip = Static<typeof MyInfoVip>;

/** `vip` of the card: myinfo's keys plus the two camelCase ones of the old format. */
export const CardVip = Wire({ ...shortVip, vipType: Type.Integer(), vipStatus: Type.Integer() });
export type CardVip = Static<typeof CardVip>;

/** `vip` of acc/info: nav's object plus `avatar_icon`. */
export const SpaceVip = Wire({
  ...Vip.properties,
  avatar_icon: Wire({ icon_type: Type.Integer(), icon_resource: Wire({}) }),
});
export type SpaceVip = Static<typeof SpaceVip>;

/** `pendant` of acc/info has one key more than nav's. */
export const SpacePendant = PendantWithNid;
export type SpacePendant = PendantWithNid;

export { Nameplate } from './account.schema.ts';

/** `official` (`Official` on the card): type -1 none, 0 person, 1 organisation. */
export const Official = Wire({
  role: Type.Integer(),
  title: Type.String(),
  desc: Type.String(),
  type: Type.Integer(),
});
export type Official = Static<typeof Official>;

/** `data` of `GET /x/space/myinfo`. */
export const MyInfoData = Wire({
  mid: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  face: Type.String(),
  sign: Type.String(),
  rank: Type.Integer(),
  level: Type.Integer(),
  jointime: Type.Integer(),
  moral: Type.Integer(),
  silence: Type.Integer(),
  email_status: Type.Integer(),
  tel_status: Type.Integer(),
  identification: Type.Integer(),
  vip: MyInfoVip,
  pendant: Pendant,
  nameplate: Nameplate,
  official: Official,
  /** Unix seconds here (acc/info has `MM-DD`); 0 when unknown. */
  birthday: Type.Integer(),
  is_tourist: Type.Integer(),
  is_fake_account: Type.Integer(),
  pin_prompting: Type.Integer(),
  is_deleted: Type.Integer(),
  in_reg_audit: Type.Integer(),
  is_rip_user: Type.Boolean(),
  profession: Wire({ id: Type.Integer(), name: Type.String(), show_name: Type.String() }),
  level_exp: LevelInfo,
  coins: Type.Number(),
  following: Type.Integer(),
  follower: Type.Integer(),
});
export type MyInfoData = Static<typeof MyInfoData>;

/** `data` of `GET /x/space/wbi/acc/info`. */
export const SpaceInfoData = Wire({
  mid: Type.Integer(),
  name: Type.String(),
  sex: Type.String(),
  face: Type.String(),
  face_nft: Type.Integer(),
  face_nft_type: Type.Integer(),
  sign: Type.String(),
  rank: Type.Integer(),
  level: Type.Integer(),
  jointime: Type.Integer(),
  moral: Type.Integer(),
  silence: Type.Integer(),
  coins: Type.Number(),
  fans_badge: Type.Boolean(),
  /** `medal` is null: Replay has no fan medals. */
  fans_medal: Wire({ show: Type.Boolean(), wear: Type.Boolean(), medal: Type.Null() }),
  official: Official,
  vip: SpaceVip,
  pendant: SpacePendant,
  nameplate: Nameplate,
  user_honour_info: Wire({
    mid: Type.Integer(),
    colour: Type.Null(),
    tags: Type.Array(Type.String()),
    is_latest_100honour: Type.Integer(),
  }),
  is_followed: Type.Boolean(),
  top_photo: Type.String(),
  theme: Wire({}),
  sys_notice: Wire({}),
  live_room: Type.Null(),
  /** `MM-DD`, empty when private or unknown. */
  birthday: Type.String(),
  school: Wire({ name: Type.String() }),
  profession: Wire({
    name: Type.String(),
    department: Type.String(),
    title: Type.String(),
    is_show: Type.Integer(),
  }),
  tags: Type.Null(),
  series: Wire({ user_upgrade_status: Type.Integer(), show_upgrade_window: Type.Boolean() }),
  is_senior_member: Type.Integer(),
  mcn_info: Type.Null(),
  gaia_res_type: Type.Integer(),
  gaia_data: Type.Null(),
  is_risk: Type.Boolean(),
  elec: Wire({
    show_info: Wire({
      show: Type.Boolean(),
      state: Type.Integer(),
      title: Type.String(),
      icon: Type.String(),
      jump_url: Type.String(),
    }),
  }),
  contract: Wire({ is_display: Type.Boolean(), is_follow_display: Type.Boolean() }),
  certificate_show: Type.Boolean(),
  name_render: Type.Null(),
});
export type SpaceInfoData = Static<typeof SpaceInfoData>;

/** `data.card` of `GET /x/web-interface/card`; `mid` and `rank` are strings here. */
export const UserCard = Wire({
  mid: Type.String(),
  approve: Type.Boolean(),
  name: Type.String(),
  sex: Type.String(),
  rank: Type.String(),
  face: Type.String(),
  DisplayRank: Type.String(),
  regtime: Type.Integer(),
  /** 0 normal, -2 banned. */
  spacesta: Type.Integer(),
  birthday: Type.String(),
  place: Type.String(),
  description: Type.String(),
  article: Type.Integer(),
  attentions: Type.Array(Type.Integer()),
  fans: Type.Integer(),
  friend: Type.Integer(),
  attention: Type.Integer(),
  sign: Type.String(),
  level_info: LevelInfo,
  pendant: Pendant,
  nameplate: Nameplate,
  Official: Official,
  official_verify: Wire({ type: Type.Integer(), desc: Type.String() }),
  vip: CardVip,
});
export type UserCard = Static<typeof UserCard>;

const cardRest = {
  following: Type.Boolean(),
  archive_count: Type.Integer(),
  article_count: Type.Integer(),
  follower: Type.Integer(),
  like_num: Type.Integer(),
};

/** `data` of `GET /x/web-interface/card` with `photo=true`: `space` (the banner) right after `card`. */
export const UserCardWithSpace = Wire({
  card: UserCard,
  space: Wire({ s_img: Type.String(), l_img: Type.String() }),
  ...cardRest,
});
export type UserCardWithSpace = Static<typeof UserCardWithSpace>;

/**
 * `data` of `GET /x/web-interface/card`. Two variants rather than an optional `space`: the serialiser
 * writes optional keys after the required ones, and `space` belongs between `card` and `following`.
 */
export const UserCardData = Type.Union([UserCardWithSpace, Wire({ card: UserCard, ...cardRest })]);
export type UserCardData = Static<typeof UserCardData>;
