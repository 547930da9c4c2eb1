/** Wire types of the endpoints the client covers; field names are the contract's. */

export interface LevelInfo {
  current_level: number;
  current_min: number;
  current_exp: number;
  next_exp: number | '--';
}

export interface VipLabel {
  path: string;
  text: string;
  label_theme: string;
  text_color: string;
  bg_style: number;
  bg_color: string;
  border_color: string;
  use_img_label: boolean;
  img_label_uri_hans: string;
  img_label_uri_hant: string;
  img_label_uri_hans_static: string;
  img_label_uri_hant_static: string;
}

export interface Vip {
  type: number;
  status: number;
  due_date: number;
  vip_pay_type: number;
  theme_type: number;
  label: VipLabel;
  avatar_subscript: number;
  nickname_color: string;
  role: number;
  avatar_subscript_url: string;
  tv_vip_status: number;
  tv_vip_pay_type: number;
  tv_due_date: number;
}

export interface WbiImg {
  img_url: string;
  sub_url: string;
}

export interface NavLoggedOut {
  isLogin: false;
  wbi_img: WbiImg;
}

export interface NavData {
  isLogin: true;
  email_verified: number;
  face: string;
  face_nft: number;
  face_nft_type: number;
  level_info: LevelInfo;
  mid: number;
  mobile_verified: number;
  money: number;
  moral: number;
  official: { role: number; title: string; desc: string; type: number };
  officialVerify: { type: number; desc: string };
  pendant: {
    pid: number;
    name: string;
    image: string;
    expire: number;
    image_enhance: string;
    image_enhance_frame: string;
  };
  scores: number;
  uname: string;
  vipDueDate: number;
  vipStatus: number;
  vipType: number;
  vip_pay_type: number;
  vip_theme_type: number;
  vip_label: VipLabel;
  vip_avatar_subscript: number;
  vip_nickname_color: string;
  vip: Vip;
  wallet: { mid: number; bcoin_balance: number; coupon_balance: number; coupon_due_time: number };
  has_shop: boolean;
  shop_url: string;
  allowance_count: number;
  answer_status: number;
  is_senior_member: number;
  wbi_img: WbiImg;
  is_jury: boolean;
}

export interface QrGenerateData {
  url: string;
  qrcode_key: string;
}

export interface QrPollData {
  url: string;
  refresh_token: string;
  timestamp: number;
  code: 0 | 86038 | 86090 | 86101;
  message: string;
}

export interface PasswordLoginData {
  status: number;
  message: string;
  url: string;
  refresh_token: string;
  timestamp: number;
}

/** Logout has its own envelope (CONTRACT.md §10.4). */
export interface LogoutResponse {
  code: number;
  status: boolean;
  ts: number;
  message?: string;
  data?: { redirectUrl: string };
}
