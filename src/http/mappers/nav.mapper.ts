import { levelInfo, membership } from '../../domain/account.ts';
import type { WbiKeys } from '../../services/wbi.service.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import type { NavData, WbiImg } from '../../wire/account.schema.ts';
import { emptyPendant, faceUrl, vipLabel, vipObject } from './account.mapper.ts';

export function wbiImg(keys: WbiKeys, publicUrl: string): WbiImg {
  return {
    img_url: `${publicUrl}/bfs/wbi/${keys.imgKey}.png`,
    sub_url: `${publicUrl}/bfs/wbi/${keys.subKey}.png`,
  };
}

/** `data` of a logged-in `/x/web-interface/nav` (CONTRACT.md §10.2). */
export function navData(user: UserRow, keys: WbiKeys, publicUrl: string, nowMs: number): NavData {
  const m = membership(user.vip_type, user.vip_due_date, nowMs);
  const verified = user.official_type >= 0;
  return {
    isLogin: true,
    email_verified: 0,
    face: faceUrl(user, publicUrl),
    face_nft: 0,
    face_nft_type: 0,
    level_info: levelInfo(user.level),
    mid: user.mid,
    mobile_verified: 0,
    money: 0,
    moral: 70,
    official: {
      role: verified ? (user.official_type === 0 ? 1 : 3) : 0,
      title: user.official_desc,
      desc: '',
      type: verified ? 0 : -1,
    },
    officialVerify: { type: user.official_type, desc: user.official_desc },
    pendant: emptyPendant(),
    scores: 0,
    uname: user.uname,
    vipDueDate: m.dueDateMs,
    vipStatus: m.status,
    vipType: m.type,
    vip_pay_type: 0,
    vip_theme_type: 0,
    vip_label: vipLabel(m),
    vip_avatar_subscript: m.status,
    vip_nickname_color: m.nicknameColor,
    vip: vipObject(m),
    wallet: { mid: user.mid, bcoin_balance: 0, coupon_balance: 0, coupon_due_time: 0 },
    has_shop: false,
    shop_url: '',
    allowance_count: 0,
    answer_status: 0,
    is_senior_member: 0,
    wbi_img: wbiImg(keys, publicUrl),
    is_jury: false,
  };
}
