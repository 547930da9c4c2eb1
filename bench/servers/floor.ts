import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { FLOOR_USERS, floorUser } from '../lib/floor.ts';

/**
 * Reference 2, the floor: the least any Fastify server speaking Bilibili's form-and-cookie API must do per
 * request. The cookie and form-body plugins, a session found by `SESSDATA` in a Map, the csrf token
 * compared with the session's, the form body validated against a schema, and the answer serialised from a
 * response schema. POST answers the bare `{code:0,message:"0",ttl:1}`; GET answers a nav-like object of
 * about 2 KB built for the signed-in user. Replay's heartbeat and progress report are compared with the
 * POST floor, its reads with the GET floor: the ratio is what Replay's own work costs beyond it.
 */

interface Session {
  mid: number;
  uname: string;
  csrf: string;
}

const sessions = new Map<string, Session>();
for (let i = 0; i < FLOOR_USERS; i++) {
  const user = floorUser(i);
  // @fastify/cookie hands values URL-decoded.
  sessions.set(decodeURIComponent(user.sessdata), { mid: user.mid, uname: user.uname, csrf: user.csrf });
}

const envelope = {
  type: 'object',
  properties: { code: { type: 'integer' }, message: { type: 'string' }, ttl: { type: 'integer' } },
  required: ['code', 'message', 'ttl'],
} as const;

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties }) as const;

const vipLabel = object({
  path: str,
  text: str,
  label_theme: str,
  text_color: str,
  bg_style: int,
  bg_color: str,
  border_color: str,
  use_img_label: bool,
  img_label_uri_hans: str,
  img_label_uri_hant: str,
  img_label_uri_hans_static: str,
  img_label_uri_hant_static: str,
});
const navData = object({
  isLogin: bool,
  email_verified: int,
  face: str,
  face_nft: int,
  face_nft_type: int,
  level_info: object({ current_level: int, current_min: int, current_exp: int, next_exp: int }),
  mid: int,
  mobile_verified: int,
  money: { type: 'number' },
  moral: int,
  official: object({ role: int, title: str, desc: str, type: int }),
  officialVerify: object({ type: int, desc: str }),
  pendant: object({
    pid: int,
    name: str,
    image: str,
    expire: int,
    image_enhance: str,
    image_enhance_frame: str,
  }),
  scores: int,
  uname: str,
  vipDueDate: int,
  vipStatus: int,
  vipType: int,
  vip_pay_type: int,
  vip_theme_type: int,
  vip_label: vipLabel,
  vip_avatar_subscript: int,
  vip_nickname_color: str,
  vip: object({
    type: int,
    status: int,
    due_date: int,
    vip_pay_type: int,
    theme_type: int,
    label: vipLabel,
    avatar_subscript: int,
    nickname_color: str,
    role: int,
    avatar_subscript_url: str,
    tv_vip_status: int,
    tv_vip_pay_type: int,
    tv_due_date: int,
  }),
  wallet: object({
    mid: int,
    bcoin_balance: { type: 'number' },
    coupon_balance: { type: 'number' },
    coupon_due_time: int,
  }),
  has_shop: bool,
  shop_url: str,
  allowance_count: int,
  answer_status: int,
  is_senior_member: int,
  wbi_img: object({ img_url: str, sub_url: str }),
  is_jury: bool,
});

const label = () => ({
  path: '',
  text: '',
  label_theme: '',
  text_color: '',
  bg_style: 0,
  bg_color: '',
  border_color: '',
  use_img_label: true,
  img_label_uri_hans: '',
  img_label_uri_hant: '',
  img_label_uri_hans_static: 'https://i0.hdslb.com/bfs/vip/d7b702ef65a976b20ed854cbd04cb9e27341bb79.png',
  img_label_uri_hant_static:
    'https://i0.hdslb.com/bfs/activity-plat/static/20220614/e369244d0b14644f5e1a06431e22a4d5/KJunwh19T5.png',
});

/** Built per request from the session, as any server's nav is. */
function nav(session: Session) {
  return {
    isLogin: true,
    email_verified: 0,
    face: `https://i0.hdslb.com/bfs/face/member/noface.jpg?mid=${session.mid}`,
    face_nft: 0,
    face_nft_type: 0,
    level_info: { current_level: 3, current_min: 1500, current_exp: 2210, next_exp: 4500 },
    mid: session.mid,
    mobile_verified: 1,
    money: 12.5,
    moral: 70,
    official: { role: 0, title: '', desc: '', type: -1 },
    officialVerify: { type: -1, desc: '' },
    pendant: { pid: 0, name: '', image: '', expire: 0, image_enhance: '', image_enhance_frame: '' },
    scores: 0,
    uname: session.uname,
    vipDueDate: 0,
    vipStatus: 0,
    vipType: 0,
    vip_pay_type: 0,
    vip_theme_type: 0,
    vip_label: label(),
    vip_avatar_subscript: 0,
    vip_nickname_color: '',
    vip: {
      type: 0,
      status: 0,
      due_date: 0,
      vip_pay_type: 0,
      theme_type: 0,
      label: label(),
      avatar_subscript: 0,
      nickname_color: '',
      role: 0,
      avatar_subscript_url: '',
      tv_vip_status: 0,
      tv_vip_pay_type: 0,
      tv_due_date: 0,
    },
    wallet: { mid: session.mid, bcoin_balance: 0, coupon_balance: 0, coupon_due_time: 0 },
    has_shop: false,
    shop_url: '',
    allowance_count: 0,
    answer_status: 0,
    is_senior_member: 0,
    wbi_img: {
      img_url: 'https://i0.hdslb.com/bfs/wbi/7cd084941338484aae1ad9425b84077c.png',
      sub_url: 'https://i0.hdslb.com/bfs/wbi/4932caff0ff746eab6f01bf08b70ac45.png',
    },
    is_jury: false,
  };
}

const NOT_SIGNED_IN = { code: -101, message: '账号未登录', ttl: 1 };
const BAD_CSRF = { code: -111, message: 'csrf 校验失败', ttl: 1 };
const OK = { code: 0, message: '0', ttl: 1 };

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ logger: false });
await app.register(formbody);
await app.register(cookie);

app.post(
  '/x/click-interface/web/heartbeat',
  {
    schema: {
      // The fields of a web player heartbeat a server reads; the others pass through unvalidated.
      body: {
        type: 'object',
        properties: {
          aid: int,
          bvid: str,
          cid: int,
          played_time: int,
          real_played_time: int,
          realtime: int,
          start_ts: int,
          type: int,
          sub_type: int,
          dt: int,
          play_type: int,
          csrf: { type: 'string', maxLength: 64 },
        },
        required: ['cid', 'csrf'],
      },
      response: { 200: envelope },
    },
  },
  (request) => {
    const session = sessions.get(request.cookies.SESSDATA ?? '');
    if (!session) return NOT_SIGNED_IN;
    if ((request.body as { csrf: string }).csrf !== session.csrf) return BAD_CSRF;
    return OK;
  },
);

app.get(
  '/x/web-interface/nav',
  {
    schema: {
      response: {
        200: { ...envelope, properties: { ...envelope.properties, data: navData } },
      },
    },
  },
  (request) => {
    const session = sessions.get(request.cookies.SESSDATA ?? '');
    if (!session) return NOT_SIGNED_IN;
    return { code: 0, message: '0', ttl: 1, data: nav(session) };
  },
);

await app.listen({ port, host: '127.0.0.1' });
const close = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', close);
process.once('SIGINT', close);
