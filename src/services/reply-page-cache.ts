import { LRUCache } from 'lru-cache';
import type { Clock } from './clock.ts';

/**
 * Default byte budget of one node's cached comment pages: about 70 different 20-root pages built within
 * one second, which is all a page can be served in. 32 MB held pages that could no longer be served and
 * were a sixth of the server's peak RSS (issue #16, BENCHMARKS.md "Peak RSS").
 */
export const REPLY_PAGE_CACHE_BYTES = 8 * 1024 * 1024;

const ACTION_KEY = Buffer.from('"action":');
const RPID_KEY = Buffer.from('"rpid":');
const DIGIT_0 = 0x30;

/**
 * This node's writes to comment areas, as a revision per area. A write use case calls `touch` after it
 * committed; a page built before that (or while the write was in flight) is not served again.
 *
 * Only areas written within the last second matter (no cached page is older than that), so the map is
 * simply emptied when it grows large, with `floor` recording that every older build is stale.
 */
export class AreaRevisions {
  private tick = 0;
  private floor = 0;
  private readonly changed = new Map<string, number>();

  constructor(private readonly maxAreas = 10_000) {}

  touch(area: { type: number; oid: number }): void {
    if (this.changed.size >= this.maxAreas) {
      this.changed.clear();
      this.floor = this.tick + 1;
    }
    this.changed.set(areaKey(area.type, area.oid), ++this.tick);
  }

  /** A mark taken before a page is built; the page stays valid while `isCurrent(mark)` holds. */
  mark(): number {
    return this.tick;
  }

  isCurrent(type: number, oid: number, mark: number): boolean {
    return mark >= this.floor && (this.changed.get(areaKey(type, oid)) ?? 0) <= mark;
  }
}

function areaKey(type: number, oid: number): string {
  return `${type}:${oid}`;
}

/** A serialised page without the viewer's votes, and where those votes go in it. */
export interface CachedPage {
  /** The whole answer, as sent to an anonymous viewer (every `action` is 0). */
  readonly bytes: Buffer;
  /** Every reply object on the page, in document order, and the byte offset of its `action` digit. */
  readonly rpids: readonly number[];
  readonly actionOffsets: readonly number[];
  /** The distinct rpids, for the viewer's votes query. */
  readonly distinctRpids: readonly number[];
  readonly type: number;
  readonly oid: number;
  readonly mark: number;
  readonly second: number;
  readonly generation: number;
}

/** What must still hold for a page built now to be served later: see `ReplyPageCache.begin`. */
export interface PageBuild {
  readonly mark: number;
  readonly second: number;
  readonly nowMs: number;
  readonly generation: number;
}

/**
 * Whole comment pages (`/x/v2/reply`, `/x/v2/reply/main`), serialised once and served to every viewer:
 * a 20-root page is ~110 KB of JSON that took ~2.5 ms of CPU to query, map and serialise.
 *
 * A page is served again only while all of these hold:
 * - no write to its area committed on this node since it was built (`AreaRevisions`, moved by every
 *   write use case: add, like/dislike, delete — the operator's too —, pin, area settings);
 * - the member rows and emote catalogue it was built from are still this node's (`generation`, moved when
 *   the member cache drops a row or empties, and when the emote snapshot is rebuilt);
 * - it is within the same second of the clock. `time_desc` and VIP states are computed from the clock,
 *   and writes made on other nodes are not signalled: a page never outlives the second it was built in,
 *   so other nodes see any change within about a second — the bound member renames already have — with
 *   no revision row that every write would have to lock in its transaction.
 *
 * The viewer's own votes (`action`) are the one per-viewer field: pages are built for an anonymous viewer,
 * and a signed-in viewer's votes on the page's comments (one small query) are written over the `action`
 * digits of a copy. Memory is bounded by bytes (`maxBytes`).
 */
export class ReplyPageCache {
  private readonly pages: LRUCache<string, CachedPage>;
  /** The second of every page in `pages` (see `put`). */
  private heldSecond = Number.NaN;
  /** Builds in flight: requests that miss at the same moment share one (64 at each second's turn). */
  private readonly building = new Map<
    string,
    { started: PageBuild; area: { type: number; oid: number }; page: Promise<CachedPage | null> }
  >();

  constructor(
    private readonly clock: Clock,
    readonly revisions: AreaRevisions,
    private readonly generation: () => number,
    maxBytes = REPLY_PAGE_CACHE_BYTES,
  ) {
    this.pages = new LRUCache<string, CachedPage>({
      maxSize: maxBytes,
      sizeCalculation: (page, key) => page.bytes.length + page.rpids.length * 24 + key.length * 2 + 256,
    });
  }

  /**
   * The page under `key` of `area`: cached, or being built by another request (joined while no write to
   * the area and no member or emote change happened since that build started), or built now by `build`,
   * which maps with the clock reading it is given and serialises. null: not cacheable (see `put`).
   */
  page(
    key: string,
    area: { type: number; oid: number },
    build: (nowMs: number) => Promise<{ area: { type: number; oid: number }; bytes: Buffer }>,
  ): Promise<CachedPage | null> {
    const hit = this.get(key);
    if (hit) return Promise.resolve(hit);
    const pending = this.building.get(key);
    if (
      pending &&
      pending.started.generation === this.generation() &&
      this.revisions.isCurrent(pending.area.type, pending.area.oid, pending.started.mark)
    ) {
      return pending.page;
    }
    const started = this.begin();
    const page = build(started.nowMs)
      .then((built) => this.put(key, built.area, started, built.bytes))
      .finally(() => {
        if (this.building.get(key)?.page === page) this.building.delete(key);
      });
    this.building.set(key, { started, area, page });
    return page;
  }

  /** Bytes the kept pages count against the budget. */
  get heldBytes(): number {
    return this.pages.calculatedSize;
  }

  /** Drops every page (a toolkit reset or restore replaced the comments they show). */
  clear(): void {
    this.pages.clear();
    this.building.clear();
  }

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    if (
      page.second !== Math.floor(this.clock.nowMs() / 1000) ||
      page.generation !== this.generation() ||
      !this.revisions.isCurrent(page.type, page.oid, page.mark)
    ) {
      this.pages.delete(key);
      return undefined;
    }
    return page;
  }

  /** Taken before the page's queries: its clock reading is the one the page must be mapped with. */
  begin(): PageBuild {
    const nowMs = this.clock.nowMs();
    return {
      mark: this.revisions.mark(),
      second: Math.floor(nowMs / 1000),
      nowMs,
      generation: this.generation(),
    };
  }

  /**
   * Keeps a page built for an anonymous viewer (every `action` 0) and returns it; null when its vote
   * fields cannot be located (then the caller builds the viewer's page the plain way).
   */
  put(key: string, area: { type: number; oid: number }, build: PageBuild, bytes: Buffer): CachedPage | null {
    const located = locateActions(bytes);
    if (!located) return null;
    const { rpids, actionOffsets } = located;
    const page: CachedPage = {
      bytes,
      rpids,
      actionOffsets,
      distinctRpids: [...new Set(rpids)],
      type: area.type,
      oid: area.oid,
      mark: build.mark,
      second: build.second,
      generation: build.generation,
    };
    // `get` serves a page only within the second it was built in: one finished after its second turned is
    // not kept, and the first page of a new second drops those of earlier ones, which nothing can serve.
    // Otherwise they would sit in the budget until evicted (deep cursor pages, each built once, fill it).
    const now = Math.floor(this.clock.nowMs() / 1000);
    if (build.second === now) {
      if (this.heldSecond !== now) {
        this.pages.clear();
        this.heldSecond = now;
      }
      this.pages.set(key, page);
    }
    return page;
  }
}

/**
 * The page with the viewer's votes written in: the cached bytes themselves when the viewer voted on
 * nothing shown, else a copy with each voted comment's `action` digit replaced (1 like, 2 dislike).
 */
export function withVotes(page: CachedPage, votes: ReadonlyMap<number, number>): Buffer {
  if (votes.size === 0) return page.bytes;
  let out: Buffer | null = null;
  for (let i = 0; i < page.rpids.length; i++) {
    const vote = votes.get(page.rpids[i]!);
    if (vote === undefined || vote === 0) continue;
    out ??= Buffer.from(page.bytes);
    out[page.actionOffsets[i]!] = DIGIT_0 + vote;
  }
  return out ?? page.bytes;
}

/**
 * Finds each reply object's `"action":0` and the `"rpid":` before it. In a reply object `rpid` is the first
 * field and `action` follows after scalar fields only, so the nearest `"rpid":` before an `"action":` is
 * its own object's. A quote inside a JSON string is always escaped (`\"`), so neither key can be matched
 * inside user text.
 */
function locateActions(bytes: Buffer): { rpids: number[]; actionOffsets: number[] } | null {
  const rpids: number[] = [];
  const actionOffsets: number[] = [];
  let from = 0;
  for (;;) {
    const at = bytes.indexOf(ACTION_KEY, from);
    if (at < 0) break;
    const digit = at + ACTION_KEY.length;
    const rpidAt = bytes.lastIndexOf(RPID_KEY, at);
    // Not a reply object's vote field as this scanner expects it: the page is not cacheable.
    if (rpidAt < 0 || bytes[digit] !== DIGIT_0 || bytes[digit + 1] !== 0x2c) return null;
    let rpid = 0;
    for (let i = rpidAt + RPID_KEY.length; bytes[i]! >= DIGIT_0 && bytes[i]! <= DIGIT_0 + 9; i++) {
      rpid = rpid * 10 + (bytes[i]! - DIGIT_0);
    }
    rpids.push(rpid);
    actionOffsets.push(digit);
    from = digit + 1;
  }
  return { rpids, actionOffsets };
}
