import type { IssuedAppToken } from '../../services/tv-login.service.ts';
import type { IssuedWebSession } from '../../services/session.service.ts';
import type { TvCookie, TvPollData } from '../../wire/tv-login.schema.ts';

/** The cookie domains and SSO hops of Bilibili's answer, as documented; clients store them, Replay ignores them. */
const COOKIE_DOMAINS = ['.bilibili.com', '.biligame.com', '.bigfun.cn', '.bigfunapp.cn', '.dreamcast.hk'];
const SSO = [
  'https://passport.bilibili.com/api/v2/sso',
  'https://passport.biligame.com/api/v2/sso',
  'https://passport.bigfunapp.cn/api/v2/sso',
];

/** `data` of a successful TV poll (CONTRACT.md §22.3.2): the APP token and the web cookies together. */
export function tvPollData(mid: number, app: IssuedAppToken, web: IssuedWebSession): TvPollData {
  const c = web.cookies;
  const cookie = (name: string, value: string, httpOnly: boolean): TvCookie => ({
    name,
    value,
    http_only: httpOnly ? 1 : 0,
    expires: web.expiresAt,
    secure: 0,
  });
  return {
    is_new: false,
    mid,
    access_token: app.accessKey,
    refresh_token: app.refreshToken,
    expires_in: app.expiresIn,
    token_info: {
      mid,
      access_token: app.accessKey,
      refresh_token: app.refreshToken,
      expires_in: app.expiresIn,
    },
    cookie_info: {
      cookies: [
        cookie('SESSDATA', c.SESSDATA, true),
        cookie('bili_jct', c.bili_jct, false),
        cookie('DedeUserID', c.DedeUserID, false),
        cookie('DedeUserID__ckMd5', c.DedeUserID__ckMd5, false),
        cookie('sid', c.sid, false),
      ],
      domains: COOKIE_DOMAINS,
    },
    sso: SSO,
  };
}
