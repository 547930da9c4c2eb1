import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { BiliError } from '../errors.ts';
import type { PartCount } from '../store/repositories/online.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';

/** The heartbeat's `play_type` that ends a session, and its `played_time` for "finished" (CONTRACT.md §6.2). */
const PLAY_END = 4;
const PLAY_PAUSE = 2;
const FINISHED = -1;
/** `dt` of the web (CONTRACT.md §7.1): the viewers `count` shows; `total` shows every platform. */
const WEB_DT = 2;

/**
 * A node tracks at most this many live viewers; beyond it new viewers are not counted until others leave,
 * so a flood of invented viewer ids costs bounded memory.
 */
const MAX_TRACKED = 500_000;

interface LiveViewer {
  /** When the viewer last showed it was watching (Unix s); a paused viewer's pause time. */
  seen: number;
  web: boolean;
  paused: boolean;
}

interface Part {
  aid: number;
  cid: number;
  viewers: Map<string, LiveViewer>;
}

export interface OnlineCount {
  total: number;
  web: number;
}

export interface OnlineOptions {
  windowSeconds: number;
  publishMs: number;
  /** PostgreSQL: several nodes may share the database, so counts are published and summed. */
  cluster: boolean;
}

export interface HeartbeatSignal {
  playType?: number | undefined;
  playedTime?: number | undefined;
  dt?: number | undefined;
}

/**
 * Viewers online now ("N人正在看", CONTRACT.md §16), from heartbeats (DESIGN.md §11). Each node keeps an
 * in-memory map of live viewers per part: a heartbeat only updates it. A viewer is live for `windowSeconds`
 * after its last heartbeat; an ending heartbeat (`play_type` 4 or `played_time` -1) removes it at once; a
 * pause keeps it for one window from the pause (further pauses do not extend it). In cluster mode each node
 * publishes its per-part counts every `publishMs`; a read adds this node's live count to the other live
 * nodes' published rows (one query, cached per part until the next publish).
 */
export class OnlineService {
  private readonly node = randomUUID();
  private readonly parts = new Map<string, Part>();
  private tracked = 0;
  private timer: NodeJS.Timeout | null = null;
  private publishing: Promise<void> | null = null;
  /** Other nodes' sum per part, until the real time given (their rows change once per publish at most). */
  private readonly others = new Map<string, { value: OnlineCount; until: number }>();
  /** Known parts (`aid:cid` → whether it exists), so a read of an unknown part is -404 without a query each time. */
  private readonly known = new LRUCache<string, boolean>({ max: 10_000, ttl: 30_000 });

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: OnlineOptions,
  ) {}

  /** Records one heartbeat of `viewer` for a part (already validated by the watch path). */
  beat(aid: number, cid: number, viewer: string, signal: HeartbeatSignal): void {
    const key = `${aid}:${cid}`;
    let part = this.parts.get(key);
    const ended = signal.playType === PLAY_END || signal.playedTime === FINISHED;
    if (ended) {
      if (part?.viewers.delete(viewer)) this.tracked--;
      return;
    }
    const now = nowSeconds(this.clock);
    const paused = signal.playType === PLAY_PAUSE;
    const web = (signal.dt ?? WEB_DT) === WEB_DT;
    const before = part?.viewers.get(viewer);
    if (before) {
      // A pause keeps the viewer for one window from the first pause heartbeat, not from each repeat.
      if (!(paused && before.paused)) before.seen = now;
      before.paused = paused;
      before.web = web;
      return;
    }
    if (this.tracked >= MAX_TRACKED) return;
    if (!part) {
      part = { aid, cid, viewers: new Map() };
      this.parts.set(key, part);
    }
    part.viewers.set(viewer, { seen: now, web, paused });
    this.tracked++;
  }

  /** Live viewers of one part: -404 for an unknown archive or a cid not among its parts. */
  async count(aid: number, cid: number): Promise<OnlineCount> {
    await this.checkPart(aid, cid);
    const local = this.localCount(`${aid}:${cid}`);
    if (!this.options.cluster) return local;
    const others = await this.othersCount(aid, cid);
    return { total: local.total + others.total, web: local.web + others.web };
  }

  /** Starts the sweep (and, in cluster mode, publishing) timer. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.publishMs);
    this.timer.unref();
  }

  /** Forgets every live viewer and cached count (a toolkit reset or restore replaced the catalogue). */
  forgetAll(): void {
    this.parts.clear();
    this.tracked = 0;
    this.others.clear();
    this.known.clear();
  }

  /** Stops the timer and, in cluster mode, withdraws this node's counts. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.publishing;
    if (this.options.cluster) await this.store.online.withdraw(this.node);
  }

  /** Drops expired viewers and publishes this node's counts (cluster mode); the timer calls it. */
  async tick(): Promise<void> {
    if (this.publishing) return this.publishing;
    const counts: PartCount[] = [];
    for (const [key, part] of this.parts) {
      const c = this.localCount(key);
      if (part.viewers.size === 0) this.parts.delete(key);
      else if (c.total > 0) counts.push({ aid: part.aid, cid: part.cid, total: c.total, web: c.web });
    }
    if (!this.options.cluster) return;
    const now = nowSeconds(this.clock);
    this.publishing = this.store.online
      .publish(this.node, now, counts, now - 600)
      .catch(() => {
        // A failed publish is retried by the next tick; the rows only age meanwhile.
      })
      .finally(() => {
        this.publishing = null;
      });
    return this.publishing;
  }

  /** Counts the part's live viewers, forgetting the expired ones on the way. */
  private localCount(key: string): OnlineCount {
    const part = this.parts.get(key);
    if (!part) return { total: 0, web: 0 };
    const since = nowSeconds(this.clock) - this.options.windowSeconds;
    let total = 0;
    let web = 0;
    for (const [viewer, v] of part.viewers) {
      if (v.seen <= since) {
        part.viewers.delete(viewer);
        this.tracked--;
        continue;
      }
      total++;
      if (v.web) web++;
    }
    return { total, web };
  }

  private async othersCount(aid: number, cid: number): Promise<OnlineCount> {
    const key = `${aid}:${cid}`;
    const cached = this.others.get(key);
    const realNow = Date.now();
    if (cached && cached.until > realNow) return cached.value;
    // Rows older than a few publish intervals belong to nodes that stopped (crashed or partitioned).
    const stale = Math.ceil((3 * this.options.publishMs) / 1000) + 1;
    const value = await this.store.online.othersSum(this.node, aid, cid, nowSeconds(this.clock) - stale);
    if (this.others.size > 10_000) this.others.clear();
    this.others.set(key, { value, until: realNow + this.options.publishMs });
    return value;
  }

  private async checkPart(aid: number, cid: number): Promise<void> {
    const key = `${aid}:${cid}`;
    let exists = this.known.get(key);
    if (exists === undefined) {
      const pages = await this.store.archives.findPages(aid);
      exists = pages.some((p) => p.cid === cid);
      if (exists) this.known.set(key, true);
      else {
        const archive = await this.store.archives.findByAid(aid);
        throw new BiliError(-404, archive ? `cid ${cid} 不属于 av${aid}` : `av${aid}`);
      }
    }
  }
}

/**
 * The display form of `total` (CONTRACT.md §16.1): the exact number below 10 000; from 10 000 on, the
 * number of 万 (10 000) rounded DOWN to one decimal, with "+" ("9.4万+" for 94 999, "10万+" for 100 000),
 * so the text never claims more viewers than there are.
 */
export function formatOnlineTotal(n: number): string {
  if (n < 10_000) return String(n);
  return `${Math.floor(n / 1000) / 10}万+`;
}
