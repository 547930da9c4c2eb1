import { createHmac, randomBytes } from 'node:crypto';
import { mixinKey, verifyWbi } from '../domain/wbi.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';

export interface WbiKeys {
  imgKey: string;
  subKey: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Hands out `img_key`/`sub_key` and checks `w_rid`. Keys rotate daily like Bilibili's and derive from a
 * secret kept in the database, so every node of a cluster and every restart agree on them.
 */
export class WbiService {
  private secret: string | null = null;
  private readonly derived = new Map<number, WbiKeys>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async init(): Promise<void> {
    this.secret = await this.store.settings.getOrInit('wbi_secret', randomBytes(32).toString('hex'));
    this.derived.clear();
  }

  keys(): WbiKeys {
    return this.keysForDay(Math.floor(this.clock.nowMs() / DAY_MS));
  }

  /**
   * True when `w_rid` matches today's or yesterday's keys: clients cache the keys from nav, and a request
   * signed just before midnight arrives after it.
   */
  verify(query: Record<string, unknown>): boolean {
    const today = Math.floor(this.clock.nowMs() / DAY_MS);
    const mixins = [today, today - 1].map((day) => {
      const k = this.keysForDay(day);
      return mixinKey(k.imgKey, k.subKey);
    });
    return verifyWbi(query, mixins);
  }

  private keysForDay(day: number): WbiKeys {
    if (this.secret === null) throw new Error('WbiService.init() was not awaited');
    // nav hands the keys out and every signed request checks two days' worth: deriving them (two HMACs a
    // day) on each call was 8 % of the server's CPU under nav load (bench/findings.md).
    const known = this.derived.get(day);
    if (known) return known;
    const derive = (label: string) =>
      createHmac('sha256', this.secret!).update(`${label}:${day}`).digest('hex').slice(0, 32);
    const keys = { imgKey: derive('img'), subKey: derive('sub') };
    if (this.derived.size >= 4) this.derived.clear();
    this.derived.set(day, keys);
    return keys;
  }
}
