import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** Web login and cookie refresh on `passport.bilibili.com` (CONTRACT §10.3, §21, §22.4.3, §22.5). */

/** `data` of `/x/passport-login/web/qrcode/generate`: the QR content and its 32-character key. */
export const QrGenerateData = Wire({
  url: Type.String(),
  qrcode_key: Type.String(),
});
export type QrGenerateData = Static<typeof QrGenerateData>;

/**
 * `data` of `/x/passport-login/web/qrcode/poll`, whose root code is always 0: the state is `data.code`.
 * `url`, `refresh_token` and `timestamp` are `""`, `""`, `0` until it is 0.
 */
export const QrPollData = Wire({
  url: Type.String(),
  refresh_token: Type.String(),
  /** Unix milliseconds of the login. */
  timestamp: Type.Integer(),
  code: Type.Union([Type.Literal(0), Type.Literal(86038), Type.Literal(86090), Type.Literal(86101)]),
  message: Type.String(),
});
export type QrPollData = Static<typeof QrPollData>;

/** `data` of a successful `/x/passport-login/web/login` (`status` 0). */
export const PasswordLoginData = Wire({
  status: Type.Integer(),
  message: Type.String(),
  url: Type.String(),
  refresh_token: Type.String(),
  /** Unix milliseconds of the login. */
  timestamp: Type.Integer(),
});
export type PasswordLoginData = Static<typeof PasswordLoginData>;

/** `data` of `/x/passport-login/web/cookie/info`. */
export const CookieInfoData = Wire({
  refresh: Type.Boolean(),
  /** Unix milliseconds now; clients encrypt `refresh_<timestamp>` into the correspond path. */
  timestamp: Type.Integer(),
});
export type CookieInfoData = Static<typeof CookieInfoData>;

/** `data` of `/x/passport-login/web/cookie/refresh`; the new cookies come as `Set-Cookie`. */
export const CookieRefreshData = Wire({
  status: Type.Integer(),
  message: Type.String(),
  refresh_token: Type.String(),
});
export type CookieRefreshData = Static<typeof CookieRefreshData>;

/**
 * The whole answer of `/login/exit/v2` (CONTRACT §10.4), which has its own envelope: `{code, status, ts}`
 * plus `data` on success or `message` on failure (2202, wrong `biliCSRF`); no `ttl`.
 */
export const LogoutResponse = Wire({
  code: Type.Integer(),
  status: Type.Boolean(),
  /** Unix seconds. */
  ts: Type.Integer(),
  message: Type.Optional(Type.String()),
  data: Type.Optional(Wire({ redirectUrl: Type.String() })),
});
export type LogoutResponse = Static<typeof LogoutResponse>;
