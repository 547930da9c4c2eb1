import type { CaptchaData, PasswordKeyData } from '../wire/password-login.schema.ts';
import type { TvAuthCodeData, TvPollData } from '../wire/tv-login.schema.ts';
import { AppSigner } from './app-signer.ts';
import type { BiliClient, RawResponse } from './bili-client.ts';
import type { BiliEnvelope, Params } from './http.ts';
import type { PasswordLoginData } from './types.ts';

export type { CaptchaData, PasswordKeyData } from '../wire/password-login.schema.ts';
export type {
  TvAuthCodeData,
  TvCookie,
  TvCookieInfo,
  TvPollData,
  TvTokenInfo,
} from '../wire/tv-login.schema.ts';

/** What the captcha step yields and the login carries (CONTRACT.md §22.4.3). */
export interface CaptchaAnswer {
  token: string;
  challenge: string;
  validate: string;
  seccode: string;
}

/** Turns the key step's `hash` and PEM key and the typed password into the login's `password`. */
export type PasswordEncryptor = (hash: string, publicKeyPem: string, password: string) => string;

/** TV QR login and the password-login steps (key, captcha, encrypted login). */
export class LoginApi {
  constructor(
    private readonly client: BiliClient,
    /** The app identity TV requests are signed with. */
    readonly signer: AppSigner = new AppSigner(),
  ) {}

  // --- TV QR login (CONTRACT.md §22.3) ---

  /** APP-signed `auth_code`; `data.url` is the page that approves the code. */
  tvAuthCode(extra: Params = {}): Promise<BiliEnvelope<TvAuthCodeData>> {
    return this.signedPost('/x/passport-tv-login/qrcode/auth_code', { local_id: 0, ...extra });
  }

  /** APP-signed poll; the state is the root code (86039 pending, 86038 expired, 0 with `data`). */
  tvPoll(authCode: string, extra: Params = {}): Promise<BiliEnvelope<TvPollData | null>> {
    return this.signedPost('/x/passport-tv-login/qrcode/poll', {
      auth_code: authCode,
      local_id: 0,
      ...extra,
    });
  }

  /** Replay's approval step with a name and password (what the page the code's URL opens posts). */
  tvConfirm(authCode: string, username: string, password: string): Promise<BiliEnvelope> {
    return this.client.post('/x/passport-tv-login/h5/qrcode/confirm', {
      auth_code: authCode,
      username,
      password,
    });
  }

  /** Approval as the client's signed-in web user (its cookies and `bili_jct` as `csrf`). */
  tvConfirmSignedIn(authCode: string): Promise<BiliEnvelope> {
    return this.client.post('/x/passport-tv-login/h5/qrcode/confirm', { auth_code: authCode });
  }

  // --- web password login (CONTRACT.md §22.4) ---

  passwordKey(): Promise<BiliEnvelope<PasswordKeyData>> {
    return this.client.get('/x/passport-login/web/key');
  }

  captcha(source: string | undefined = 'main_web'): Promise<BiliEnvelope<CaptchaData>> {
    return this.client.get('/x/passport-login/captcha', { source });
  }

  /**
   * The whole flow of a real client: key → encrypt → captcha → login. Replay's captcha accepts any
   * answer; `validate` defaults to one made up here. Stores the cookies on success. In Node, `encrypt`
   * is `encryptPassword` from `password-encrypt.ts`.
   */
  async passwordLoginEncrypted(
    username: string,
    password: string,
    encrypt: PasswordEncryptor,
    answer: Partial<CaptchaAnswer> = {},
  ): Promise<RawResponse<BiliEnvelope<PasswordLoginData>>> {
    const key = await this.passwordKey();
    if (key.code !== 0 || !key.data) throw new Error(`web/key answered ${key.code} ${key.message}`);
    const captcha = await this.captcha();
    if (captcha.code !== 0 || !captcha.data)
      throw new Error(`captcha answered ${captcha.code} ${captcha.message}`);
    const validate = answer.validate ?? 'replay0validate0stand0in0000000a';
    return this.client.raw('POST', '/x/passport-login/web/login', {
      username,
      password: encrypt(key.data.hash, key.data.key, password),
      keep: 0,
      token: answer.token ?? captcha.data.token,
      challenge: answer.challenge ?? captcha.data.geetest.challenge,
      validate,
      seccode: answer.seccode ?? `${validate}|jordan`,
    });
  }

  /** `csrf`/`access_key` set to null so the client adds neither after signing (they would break `sign`). */
  private signedPost<T>(path: string, params: Params): Promise<T> {
    const signed = this.signer.sign({ ...params, ts: params['ts'] ?? Math.floor(Date.now() / 1000) });
    return this.client.post(path, { csrf: null, access_key: null, ...signed });
  }
}
