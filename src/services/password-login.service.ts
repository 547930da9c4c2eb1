import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  timingSafeEqual,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { BiliError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomHex } from './crypto.ts';

/** The settings row holding the PEM (PKCS#8) private key that every cluster node decrypts with. */
const KEY_SETTING = 'passport_rsa_private_key';
const KEY_BITS = 2048;
const KEY_BYTES = KEY_BITS / 8;
/** A salt (`hash`) is accepted this long after it was handed out (CONTRACT.md §22.4.1). */
export const PASSWORD_HASH_LIFETIME_SECONDS = 20;
/** Cluster nodes' clocks differ a little; a salt dated slightly ahead of this node's clock is still fine. */
const CLOCK_SKEW_SECONDS = 60;
/** Bilibili's Geetest id as the documentation shows it; Replay's stand-in never contacts Geetest. */
const GEETEST_GT = 'ac597a4506fee079629df5d8b66dd4fe';

/** Standard base64 of exactly one RSA block of Replay's key size (344 characters). */
const CIPHERTEXT_SHAPE = /^[A-Za-z0-9+/]{342}==$/;

interface PassportKey {
  privateKey: KeyObject;
  publicPem: string;
  /** Authenticates the salts, so any node can check one without storing it. */
  macKey: Buffer;
}

/**
 * The steps before a web password login as real clients take them (CONTRACT.md §22.4): an RSA public key
 * with a short-lived salt, the password sent as base64(RSA-PKCS#1-v1.5(salt + password)), and a captcha.
 */
export class PasswordLoginService {
  private key: Promise<PassportKey> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** `data` of `/x/passport-login/web/key`. The key pair is made on first use and kept in the database. */
  async issueKey(): Promise<{ hash: string; key: string }> {
    const key = await this.loadOrCreate();
    return { hash: this.salt(key, nowSeconds(this.clock)), key: key.publicPem };
  }

  /**
   * The password a login carries: decrypted when it has the shape of one RSA block of Replay's key
   * (344 base64 characters), else taken as typed (Replay's own pages post it plainly). 86000 when the
   * block does not decrypt to a salt Replay issued, -662 when that salt is older than 20 s.
   */
  async plainPassword(password: string): Promise<string> {
    // A `+` that a client forgot to escape arrives as a space; no plain password of this shape is plausible.
    const candidate = password.replace(/ /g, '+');
    if (!CIPHERTEXT_SHAPE.test(candidate)) return password;
    const key = await this.existing();
    if (!key) throw new BiliError(86000);
    const message = decryptPkcs1(key.privateKey, Buffer.from(candidate, 'base64'));
    // A block that decrypted to garbage and one that did not decrypt at all get the same answer, so the
    // answers are no padding oracle for someone who captured a login.
    const salt = message?.subarray(0, 16).toString('latin1') ?? '';
    const issuedAt = message && message.length >= 16 ? this.saltTime(key, salt) : null;
    if (issuedAt === null) throw new BiliError(86000);
    const age = nowSeconds(this.clock) - issuedAt;
    if (age > PASSWORD_HASH_LIFETIME_SECONDS || age < -CLOCK_SKEW_SECONDS) throw new BiliError(-662);
    return message!.subarray(16).toString('utf8');
  }

  /**
   * `data` of `/x/passport-login/captcha`: shaped like Bilibili's Geetest challenge. Replay stands in for
   * Geetest and accepts any solution, so automated clients can log in.
   */
  captcha(): {
    type: string;
    token: string;
    geetest: { challenge: string; gt: string };
    tencent: { appid: string };
  } {
    return {
      type: 'geetest',
      token: randomHex(16),
      geetest: { challenge: randomHex(16), gt: GEETEST_GT },
      tencent: { appid: '' },
    };
  }

  /** 16 hex characters: the issue time (8) and a MAC of it (8). */
  private salt(key: PassportKey, issuedAt: number): string {
    const time = issuedAt.toString(16).padStart(8, '0').slice(-8);
    return time + this.mac(key, time);
  }

  private saltTime(key: PassportKey, salt: string): number | null {
    if (!/^[0-9a-f]{16}$/.test(salt)) return null;
    const time = salt.slice(0, 8);
    const given = Buffer.from(salt.slice(8));
    const expected = Buffer.from(this.mac(key, time));
    return timingSafeEqual(given, expected) ? parseInt(time, 16) : null;
  }

  private mac(key: PassportKey, time: string): string {
    return createHmac('sha256', key.macKey).update(`passport-hash:${time}`).digest('hex').slice(0, 8);
  }

  private loadOrCreate(): Promise<PassportKey> {
    this.key ??= (async () => {
      const stored = await this.store.settings.get(KEY_SETTING);
      // Two nodes may generate at once: getOrInit keeps the first and both use it.
      const pem = stored ?? (await this.store.settings.getOrInit(KEY_SETTING, await generatePrivatePem()));
      return toPassportKey(pem);
    })().catch((error: unknown) => {
      this.key = null;
      throw error;
    });
    return this.key;
  }

  /** The key if one was ever handed out; a login never creates one (a rejected request stores nothing). */
  private async existing(): Promise<PassportKey | null> {
    if (this.key) return this.key;
    const stored = await this.store.settings.get(KEY_SETTING);
    if (stored === undefined) return null;
    return this.loadOrCreate();
  }
}

function generatePrivatePem(): Promise<string> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: KEY_BITS,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      },
      (error, _publicKey, privateKey) => (error ? reject(error) : resolve(privateKey)),
    );
  });
}

function toPassportKey(pem: string): PassportKey {
  const privateKey = createPrivateKey(pem);
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const macKey = createHmac('sha256', pem).update('passport-salt').digest();
  return { privateKey, publicPem, macKey };
}

/**
 * RSAES-PKCS1-v1_5 decryption (RFC 8017 §7.2.2). Node refuses PKCS#1 v1.5 padding in `privateDecrypt`
 * (CVE-2023-46809), so the raw RSA operation is done there and the padding is removed here; a malformed
 * block yields null, never an exception.
 */
function decryptPkcs1(privateKey: KeyObject, block: Buffer): Buffer | null {
  if (block.length !== KEY_BYTES) return null;
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
  } catch {
    return null;
  }
  if (em.length !== KEY_BYTES || em[0] !== 0x00 || em[1] !== 0x02) return null;
  const separator = em.indexOf(0x00, 2);
  // At least 8 bytes of non-zero padding precede the separator.
  if (separator < 10) return null;
  return em.subarray(separator + 1);
}
