import Type from 'typebox';
import type { Static } from 'typebox';
import { Wire } from './envelope.schema.ts';

/** The steps before a web password login (CONTRACT §22.4): the encryption key and the captcha. */

/** `data` of `/x/passport-login/web/key`: a 16-character salt and the PEM (SubjectPublicKeyInfo) RSA key. */
export const PasswordKeyData = Wire({
  hash: Type.String(),
  key: Type.String(),
});
export type PasswordKeyData = Static<typeof PasswordKeyData>;

/** `data` of `/x/passport-login/captcha`: a Geetest challenge and the login `token` it belongs to. */
export const CaptchaData = Wire({
  type: Type.String(),
  token: Type.String(),
  geetest: Wire({ challenge: Type.String(), gt: Type.String() }),
  tencent: Wire({ appid: Type.String() }),
});
export type CaptchaData = Static<typeof CaptchaData>;
