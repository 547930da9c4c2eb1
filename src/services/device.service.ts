import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { B_NUT_KNOWN_DEVICE, buvid3, buvid4, parseBuvid3, ticketSigningInput } from '../domain/device-id.ts';
import { BiliError, badParam } from '../errors.ts';
import type { NewDevice } from '../store/repositories/device.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';

/** The `buvid3`/`b_nut` cookies of a page visit live one year, as Bilibili's do. */
export const DEVICE_COOKIE_LIFETIME_SECONDS = 365 * 86_400;

/** A device row never activated is kept this long after issue; any row at most one cookie lifetime. */
export const UNACTIVATED_RETENTION_SECONDS = 30 * 86_400;
export const DEVICE_RETENTION_SECONDS = DEVICE_COOKIE_LIFETIME_SECONDS;

/** Retention runs at most this often per node, on the back of an issue, a bounded batch at a time. */
const PRUNE_INTERVAL_SECONDS = 3600;
const PRUNE_BATCH = 1000;

/** The public key every web client signs `ts<seconds>` with for GenWebTicket. */
export const WEB_TICKET_HMAC_KEY = 'XgwSnGZ1p';

/** `ttl` of a GenWebTicket answer: 3 days. */
export const WEB_TICKET_TTL_SECONDS = 259_200;

/** Hex digits of a buvid3's UUID that are random; the remaining 12 are Replay's check digits. */
const RANDOM_HEX = 20;

export interface IssuedSpi {
  buvid3: string;
  buvid4: string;
}

/** What a page visit sets (each absent key: not set), with the cookies' expiry (Unix seconds). */
export interface PageCookies {
  buvid3?: string;
  b_nut?: string;
  expiresAt: number;
}

export interface WebTicket {
  ticket: string;
  created_at: number;
  ttl: number;
}

/**
 * Device identity (CONTRACT.md §22.1): issues buvid3/buvid4, records activation, signs bili_tickets.
 *
 * A buvid3 Replay issues carries check digits: the last 12 hex digits of its UUID are an HMAC (under a
 * secret kept in the settings table) of the other 20 and of its five decimal digits. Whether a cookie
 * value is an id Replay issued is then answered without a query, on every node and after restarts, which
 * is what the play counting on the heartbeat path needs. The format stays exactly Bilibili's.
 */
export class DeviceService {
  private secret: Buffer | null = null;
  private ticketKey: Buffer | null = null;
  /** Verdicts of recent cookie values: anonymous heartbeats repeat the same few ids every 15 s. */
  private readonly verdicts = new LRUCache<string, boolean>({ max: 10_000 });
  private lastPruneAt = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async init(): Promise<void> {
    const hex = await this.store.settings.getOrInit('device_secret', randomBytes(32).toString('hex'));
    this.secret = Buffer.from(hex, 'hex');
    this.ticketKey = createHmac('sha256', this.secret).update('bili_ticket').digest();
    this.verdicts.clear();
  }

  /** `finger/spi`: a fresh buvid3 and buvid4, sharing their five digits as Bilibili's pairs do. */
  async spi(): Promise<IssuedSpi> {
    const now = nowSeconds(this.clock);
    const digits = fiveDigits();
    const b3 = this.mint(digits);
    const b4 = buvid4(randomBytes(16).toString('hex').toUpperCase(), digits, now, randomBytes(16));
    await this.issue({ buvid3: b3, buvid4: b4, source: 'spi', issued_at: now });
    return { buvid3: b3, buvid4: b4 };
  }

  /** `getbuvid`: a fresh buvid3 alone. */
  async getbuvid(): Promise<string> {
    const b3 = this.mint(fiveDigits());
    await this.issue({ buvid3: b3, buvid4: null, source: 'getbuvid', issued_at: nowSeconds(this.clock) });
    return b3;
  }

  /**
   * What a page answers to a visitor with these cookies (the home page's rule): both present → nothing;
   * only buvid3 → `b_nut=100`; otherwise a fresh buvid3 and `b_nut` = now. Null when nothing is set.
   */
  async pageCookies(
    currentBuvid3: string | undefined,
    currentBNut: string | undefined,
  ): Promise<PageCookies | null> {
    const hasBuvid3 = currentBuvid3 !== undefined && currentBuvid3 !== '';
    const hasBNut = currentBNut !== undefined && currentBNut !== '';
    if (hasBuvid3 && hasBNut) return null;
    const now = nowSeconds(this.clock);
    const expiresAt = now + DEVICE_COOKIE_LIFETIME_SECONDS;
    if (hasBuvid3) return { b_nut: B_NUT_KNOWN_DEVICE, expiresAt };
    const b3 = this.mint(fiveDigits());
    await this.issue({ buvid3: b3, buvid4: null, source: 'page', issued_at: now });
    return { buvid3: b3, b_nut: String(now), expiresAt };
  }

  /** True when `value` is a buvid3 Replay issued (its check digits verify). No I/O. */
  isIssued(value: string): boolean {
    const known = this.verdicts.get(value);
    if (known !== undefined) return known;
    const parsed = parseBuvid3(value);
    let verdict = false;
    if (parsed) {
      const expected = Buffer.from(this.checkDigits(parsed.hex.slice(0, RANDOM_HEX), parsed.digits));
      const actual = Buffer.from(parsed.hex.slice(RANDOM_HEX));
      verdict = expected.length === actual.length && timingSafeEqual(expected, actual);
    }
    this.verdicts.set(value, verdict);
    return verdict;
  }

  /**
   * ExClimbWuzhi. `payload` must be a JSON object written as a string (what the page and clients send);
   * its fingerprint keys are not judged. The device is the `buvid3` cookie: one Replay issued is marked
   * activated (first time only); any other value, or none, is accepted and nothing is stored.
   */
  async activate(cookieBuvid3: string | undefined, payload: string): Promise<void> {
    if (!isJsonObjectText(payload)) throw badParam('payload', '应为 JSON 对象的字符串');
    if (cookieBuvid3 === undefined || !this.isIssued(cookieBuvid3)) return;
    await this.store.devices.markActivated(cookieBuvid3, nowSeconds(this.clock));
  }

  /**
   * GenWebTicket. `hexsign` must be HMAC-SHA256(`XgwSnGZ1p`, `ts<ts>`) in hex; the signature of the second
   * before `ts` is accepted too, because clients read the clock once for the signature and again for
   * `context[ts]`. Time is not otherwise checked: anyone can compute the signature, so a stale one proves
   * nothing more than a fresh one.
   */
  webTicket(ts: number, hexsign: string): WebTicket {
    const given = hexsign.toLowerCase();
    const matches = (t: number) =>
      createHmac('sha256', WEB_TICKET_HMAC_KEY).update(`ts${t}`).digest('hex') === given;
    if (!matches(ts) && !matches(ts - 1)) throw new BiliError(400, 'hexsign 校验失败');
    const iat = nowSeconds(this.clock);
    const input = ticketSigningInput(iat);
    const signature = createHmac('sha256', this.key(this.ticketKey)).update(input).digest('base64url');
    return { ticket: `${input}.${signature}`, created_at: iat, ttl: WEB_TICKET_TTL_SECONDS };
  }

  /** One insert per issued id; retention piggybacks on an issue at most hourly per node. */
  private async issue(device: NewDevice): Promise<void> {
    await this.store.devices.insert(device);
    const now = device.issued_at;
    if (now - this.lastPruneAt < PRUNE_INTERVAL_SECONDS) return;
    this.lastPruneAt = now;
    await this.store.devices.prune(
      now - UNACTIVATED_RETENTION_SECONDS,
      now - DEVICE_RETENTION_SECONDS,
      PRUNE_BATCH,
    );
  }

  private mint(digits: string): string {
    const random = randomBytes(RANDOM_HEX / 2)
      .toString('hex')
      .toUpperCase();
    return buvid3(random + this.checkDigits(random, digits), digits);
  }

  private checkDigits(randomHex: string, digits: string): string {
    return createHmac('sha256', this.key(this.secret))
      .update(`buvid3:${randomHex}:${digits}`)
      .digest('hex')
      .slice(0, 32 - RANDOM_HEX)
      .toUpperCase();
  }

  private key(value: Buffer | null): Buffer {
    if (value === null) throw new Error('DeviceService.init() was not awaited');
    return value;
  }
}

/** Bilibili's rule for these five digits is unknown; random ones keep the format. */
function fiveDigits(): string {
  return String(randomInt(100_000)).padStart(5, '0');
}

function isJsonObjectText(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
