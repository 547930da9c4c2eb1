import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** TV QR login (CONTRACT §22.3): `passport-tv-login/qrcode/auth_code` and `/poll`. */

/** `data` of `auth_code`: the QR content and the 32-character code the TV polls with. */
export const TvAuthCodeData = Wire({
  url: Type.String(),
  auth_code: Type.String(),
});
export type TvAuthCodeData = Static<typeof TvAuthCodeData>;

export const TvTokenInfo = Wire({
  mid: Type.Integer(),
  access_token: Type.String(),
  refresh_token: Type.String(),
  expires_in: Type.Integer(),
});
export type TvTokenInfo = Static<typeof TvTokenInfo>;

/** One web cookie handed to the TV; `http_only` and `secure` are the numbers 0/1, `expires` Unix seconds. */
export const TvCookie = Wire({
  name: Type.String(),
  value: Type.String(),
  http_only: Type.Integer(),
  expires: Type.Integer(),
  secure: Type.Integer(),
});
export type TvCookie = Static<typeof TvCookie>;

export const TvCookieInfo = Wire({
  cookies: Type.Array(TvCookie),
  domains: Type.Array(Type.String()),
});
export type TvCookieInfo = Static<typeof TvCookieInfo>;

/** `data` of a successful `poll` (root code 0); every other outcome is a root code with `data: null`. */
export const TvPollData = Wire({
  is_new: Type.Boolean(),
  mid: Type.Integer(),
  access_token: Type.String(),
  refresh_token: Type.String(),
  expires_in: Type.Integer(),
  token_info: TvTokenInfo,
  cookie_info: TvCookieInfo,
  sso: Type.Array(Type.String()),
});
export type TvPollData = Static<typeof TvPollData>;
