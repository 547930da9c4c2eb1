import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** Pieces that describe an account: nav, the player, comment members, space and card reads. */

export const LevelInfo = Wire({
  current_level: Type.Integer(),
  current_min: Type.Integer(),
  current_exp: Type.Integer(),
  /** The string `"--"` at level 6 (CONTRACT §10.2). */
  next_exp: Type.Union([Type.Integer(), Type.Literal('--')]),
});
export type LevelInfo = Static<typeof LevelInfo>;

/** `vip_label` / `vip.label` in the snake_case form of nav and the player. */
export const VipLabel = Wire({
  path: Type.String(),
  text: Type.String(),
  label_theme: Type.String(),
  text_color: Type.String(),
  bg_style: Type.Integer(),
  bg_color: Type.String(),
  border_color: Type.String(),
  use_img_label: Type.Boolean(),
  img_label_uri_hans: Type.String(),
  img_label_uri_hant: Type.String(),
  img_label_uri_hans_static: Type.String(),
  img_label_uri_hant_static: Type.String(),
});
export type VipLabel = Static<typeof VipLabel>;

export const Vip = Wire({
  type: Type.Integer(),
  status: Type.Integer(),
  due_date: Type.Integer(),
  vip_pay_type: Type.Integer(),
  theme_type: Type.Integer(),
  label: VipLabel,
  avatar_subscript: Type.Integer(),
  nickname_color: Type.String(),
  role: Type.Integer(),
  avatar_subscript_url: Type.String(),
  tv_vip_status: Type.Integer(),
  tv_vip_pay_type: Type.Integer(),
  tv_due_date: Type.Integer(),
});
export type Vip = Static<typeof Vip>;

export const Pendant = Wire({
  pid: Type.Integer(),
  name: Type.String(),
  image: Type.String(),
  expire: Type.Integer(),
  image_enhance: Type.String(),
  image_enhance_frame: Type.String(),
});
export type Pendant = Static<typeof Pendant>;

/** The avatar frame where a member or profile carries it (reply members, acc/info): nav's plus `n_pid`. */
export const PendantWithNid = Wire({ ...Pendant.properties, n_pid: Type.Integer() });
export type PendantWithNid = Static<typeof PendantWithNid>;

/** `nameplate` of a reply member, acc/info and the user card (Replay keeps none: all empty). */
export const Nameplate = Wire({
  nid: Type.Integer(),
  name: Type.String(),
  image: Type.String(),
  image_small: Type.String(),
  level: Type.String(),
  condition: Type.String(),
});
export type Nameplate = Static<typeof Nameplate>;

export const WbiImg = Wire({ img_url: Type.String(), sub_url: Type.String() });
export type WbiImg = Static<typeof WbiImg>;

/** `data` of a signed-in `/x/web-interface/nav` (CONTRACT §10.2), in the contract's field order. */
export const NavData = Wire({
  isLogin: Type.Literal(true),
  email_verified: Type.Integer(),
  face: Type.String(),
  face_nft: Type.Integer(),
  face_nft_type: Type.Integer(),
  level_info: LevelInfo,
  mid: Type.Integer(),
  mobile_verified: Type.Integer(),
  money: Type.Number(),
  moral: Type.Integer(),
  official: Wire({ role: Type.Integer(), title: Type.String(), desc: Type.String(), type: Type.Integer() }),
  officialVerify: Wire({ type: Type.Integer(), desc: Type.String() }),
  pendant: Pendant,
  scores: Type.Integer(),
  uname: Type.String(),
  vipDueDate: Type.Integer(),
  vipStatus: Type.Integer(),
  vipType: Type.Integer(),
  vip_pay_type: Type.Integer(),
  vip_theme_type: Type.Integer(),
  vip_label: VipLabel,
  vip_avatar_subscript: Type.Integer(),
  vip_nickname_color: Type.String(),
  vip: Vip,
  wallet: Wire({
    mid: Type.Integer(),
    bcoin_balance: Type.Number(),
    coupon_balance: Type.Number(),
    coupon_due_time: Type.Integer(),
  }),
  has_shop: Type.Boolean(),
  shop_url: Type.String(),
  allowance_count: Type.Integer(),
  answer_status: Type.Integer(),
  is_senior_member: Type.Integer(),
  wbi_img: WbiImg,
  is_jury: Type.Boolean(),
});
export type NavData = Static<typeof NavData>;

/** `data` of a signed-out nav, which answers -101 and still carries it. */
export const NavLoggedOut = Wire({ isLogin: Type.Literal(false), wbi_img: WbiImg });
export type NavLoggedOut = Static<typeof NavLoggedOut>;
