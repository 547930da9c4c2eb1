import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { BiliError } from '../errors.ts';
import { viewerHash } from '../domain/viewer-hash.ts';
import type { ViewerSighting } from '../store/repositories/online.repository.ts';
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
 * A node tracks at most this many live viewers (and as many pending ends); beyond it new viewers are not
 * counted until others leave, so a flood of invented viewer ids costs bounded memory.
 */
const MAX_TRACKED = 500_000;

interface LiveViewer {
  /** When the viewer last showed it was watching (Unix s); a paused viewer's pause time. */
  seen: number;
  web: boolean;
  paused: boolean;
  /** The `seen` this node last published (cluster mode); 0 = not yet. */
  published: number;
}

interface Part {
  aid: number;
  cid: number;
  /** Live viewers by hashed viewer key (viewer-hash.ts). */
  viewers: Map<number, LiveViewer>;
  /** Cluster mode: viewers that sent an ending heartbeat here, with its time, until published. */
  ends: Map<number, number>;
  /** Bumped when a viewer new to this node arrives, so a cached view of the other nodes is re-read. */
  arrivals: number;
}

export interface OnlineCount {
  total: number;
  web: number;
}

/** The viewers of one archive, for `/metrics`. */
export interface ArchiveOnline {
  aid: number;
  total: number;
}

export interface OnlineOptions {
  windowSeconds: number;
  publishMs: number;
  /** PostgreSQL: several nodes may share the database, so each publishes the viewers it saw. */
  cluster: boolean;
}

export interface HeartbeatSignal {
  playType?: number | undefined;
  playedTime?: number | undefined;
  dt?: number | undefined;
}

interface CachedOthers {
  value: OnlineCount;
  until: number;
  arrivals: number;
}

/**
 * Viewers online now ("N人正在看", CONTRACT.md §16), from heartbeats (DESIGN.md §11). Each node keeps an
 * in-memory map of live viewers per part, keyed by a hash of the viewer key: a heartbeat only updates it.
 * A viewer is live for `windowSeconds` after its last heartbeat; an ending heartbeat (`play_type` 4 or
 * `played_time` -1) removes it at once; a pause keeps it for one window from the pause (further pauses do
 * not extend it).
 *
 * Cluster mode (docs/api/online-and-toview.md): every `publishMs` a node upserts the viewers whose times
 * changed (hash, last live heartbeat, ending heartbeat). A read is this node's live viewers plus, from one
 * query, the viewers live on other nodes that this node does not hold, so a viewer whose heartbeats
 * alternate between nodes counts once; the same query names the viewers this node holds that another node
 * saw end, which are dropped here. The other nodes' part of a read is cached until the next publish or
 * until a viewer new to this node arrives.
 */
export class OnlineService {
  private readonly node = randomUUID();
  private readonly parts = new Map<string, Part>();
  private tracked = 0;
  private pendingEnds = 0;
  private timer: NodeJS.Timeout | null = null;
  private publishing: Promise<void> | null = null;
  private lastPrune = 0;
  /** The other nodes' share of a part's count (their rows change once per publish at most). */
  private readonly others = new Map<string, CachedOthers>();
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
    const id = viewerHash(viewer);
    let part = this.parts.get(key);
    const ended = signal.playType === PLAY_END || signal.playedTime === FINISHED;
    const now = nowSeconds(this.clock);
    if (ended) {
      if (part?.viewers.delete(id)) this.tracked--;
      // The other nodes may hold the viewer (its earlier heartbeats went there): they learn of the end.
      if (this.options.cluster && this.pendingEnds < MAX_TRACKED) {
        part ??= this.addPart(key, aid, cid);
        if (!part.ends.has(id)) this.pendingEnds++;
        part.ends.set(id, now);
      }
      return;
    }
    const paused = signal.playType === PLAY_PAUSE;
    const web = (signal.dt ?? WEB_DT) === WEB_DT;
    const before = part?.viewers.get(id);
    if (before) {
      // A pause keeps the viewer for one window from the first pause heartbeat, not from each repeat.
      if (!(paused && before.paused)) before.seen = now;
      before.paused = paused;
      before.web = web;
      return;
    }
    if (this.tracked >= MAX_TRACKED) return;
    part ??= this.addPart(key, aid, cid);
    part.viewers.set(id, { seen: now, web, paused, published: 0 });
    part.arrivals++;
    this.tracked++;
  }

  /** Live viewers of one part: -404 for an unknown archive or a cid not among its parts. */
  async count(aid: number, cid: number): Promise<OnlineCount> {
    await this.checkPart(aid, cid);
    const key = `${aid}:${cid}`;
    // The other nodes first: the read may drop viewers of this node that ended elsewhere.
    const others = this.options.cluster ? await this.othersCount(key, aid, cid) : null;
    const local = this.localCount(key);
    if (!others) return local;
    return { total: local.total + others.total, web: local.web + others.web };
  }

  /**
   * This node's live viewers: the total and the `top` archives by viewers (a viewer moving between parts
   * of one archive counts in both for one window). For `/metrics`: memory only, no query.
   */
  snapshot(top: number): { total: number; web: number; archives: ArchiveOnline[] } {
    const byAid = new Map<number, number>();
    let total = 0;
    let web = 0;
    for (const [key, part] of this.parts) {
      const c = this.localCount(key);
      total += c.total;
      web += c.web;
      if (c.total > 0) byAid.set(part.aid, (byAid.get(part.aid) ?? 0) + c.total);
    }
    const archives = [...byAid]
      .map(([aid, n]) => ({ aid, total: n }))
      .sort((a, b) => b.total - a.total || a.aid - b.aid)
      .slice(0, Math.max(0, top));
    return { total, web, archives };
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
    this.pendingEnds = 0;
    this.others.clear();
    this.known.clear();
  }

  /** Stops the timer and, in cluster mode, withdraws this node's rows. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.publishing;
    if (this.options.cluster) await this.store.online.withdraw(this.node);
  }

  /** Drops expired viewers and publishes this node's changed sightings (cluster mode); the timer calls it. */
  async tick(): Promise<void> {
    if (this.publishing) return this.publishing;
    const rows: ViewerSighting[] = [];
    const published: { v: LiveViewer; seen: number }[] = [];
    const ends: { part: Part; ends: Map<number, number> }[] = [];
    for (const [key, part] of this.parts) {
      this.localCount(key);
      if (this.options.cluster) {
        for (const [viewer, v] of part.viewers) {
          if (v.seen === v.published) continue;
          rows.push({ aid: part.aid, cid: part.cid, viewer, seen: v.seen, ended: 0, web: v.web });
          published.push({ v, seen: v.seen });
        }
        for (const [viewer, at] of part.ends) {
          rows.push({ aid: part.aid, cid: part.cid, viewer, seen: 0, ended: at, web: false });
        }
        if (part.ends.size > 0) {
          ends.push({ part, ends: part.ends });
          this.pendingEnds -= part.ends.size;
          part.ends = new Map();
        }
      }
      if (part.viewers.size === 0) this.parts.delete(key);
    }
    if (!this.options.cluster) return;
    const now = nowSeconds(this.clock);
    // Rows with nothing in the last two windows are pruned (by any node) about once per window.
    const window = this.options.windowSeconds;
    const prune = now - this.lastPrune >= window ? now - 2 * window : 0;
    this.publishing = this.store.online
      .publish(this.node, rows, prune)
      .then(() => {
        if (prune > 0) this.lastPrune = now;
        for (const p of published) p.v.published = Math.max(p.v.published, p.seen);
        // This node's rows changed: its next read asks the other nodes again.
        this.others.clear();
      })
      .catch(() => {
        // A failed publish is retried by the next tick: the sightings stay unpublished, the ends go back.
        for (const { part, ends: e } of ends) {
          const key = `${part.aid}:${part.cid}`;
          const target = this.parts.get(key) ?? this.addPart(key, part.aid, part.cid);
          for (const [viewer, at] of e) {
            if (!target.ends.has(viewer)) this.pendingEnds++;
            target.ends.set(viewer, Math.max(at, target.ends.get(viewer) ?? 0));
          }
        }
      })
      .finally(() => {
        this.publishing = null;
      });
    return this.publishing;
  }

  private addPart(key: string, aid: number, cid: number): Part {
    const part: Part = { aid, cid, viewers: new Map(), ends: new Map(), arrivals: 0 };
    this.parts.set(key, part);
    return part;
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

  private async othersCount(key: string, aid: number, cid: number): Promise<OnlineCount> {
    const part = this.parts.get(key);
    const arrivals = part?.arrivals ?? 0;
    const cached = this.others.get(key);
    const realNow = Date.now();
    if (cached && cached.until > realNow && cached.arrivals === arrivals) return cached.value;
    const since = nowSeconds(this.clock) - this.options.windowSeconds;
    // Viewers this node holds but has not published as live yet: the query must not count them again.
    const fresh: number[] = [];
    if (part)
      for (const [viewer, v] of part.viewers) if (v.published <= since && v.seen > since) fresh.push(viewer);
    const view = await this.store.online.othersView(this.node, aid, cid, since, fresh);
    for (const end of view.ended) {
      const v = part?.viewers.get(end.viewer);
      // Ended on another node after this node last saw it: it left (a later heartbeat here keeps it).
      if (v && v.seen <= end.at && part!.viewers.delete(end.viewer)) this.tracked--;
    }
    const value = { total: view.total, web: view.web };
    if (this.others.size > 10_000) this.others.clear();
    this.others.set(key, { value, until: realNow + this.options.publishMs, arrivals });
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
