import type { Position } from '../domain/reply-cursor.ts';
import { CursorError, hotOffset, parsePaginationStr, timeOffset } from '../domain/reply-cursor.ts';
import { BiliError, badParam } from '../errors.ts';
import type { AreaRow } from '../store/repositories/area.repository.ts';
import { ReplyState } from '../store/repositories/reply.repository.ts';
import type { ReplyRow, RootOrder } from '../store/repositories/reply.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { CatalogService } from './catalog.service.ts';
import type { EmoteWire } from './emote.service.ts';
import type { MemberCache } from './member-cache.ts';
import type { AreaAddress } from './reply.service.ts';

/** What the listings need from the emote catalogue (EmoteService): escape → §5.1 emote object. */
export interface EmoteResolver {
  resolve(message: string): Promise<Record<string, EmoteWire>>;
}

/** Preview replies shown under each level-1 comment (CONTRACT.md §2.5). */
export const PREVIEWS_PER_ROOT = 3;
/** `hots` of the page-number list and of mode 1. */
export const HOTS_SIZE = 3;
/** /reply/reply and /dialog/cursor accept larger sizes but never return more than this (§3.3). */
export const MAX_THREAD_PAGE = 20;

/** Everything a page needs besides its rows, each loaded in one batch for the whole page. */
export interface ReplyViewContext {
  users: Map<number, UserRow>;
  /** The viewer's votes: rpid → 1 / 2; empty when anonymous. */
  votes: Map<number, number>;
  previews: Map<number, ReplyRow[]>;
  emotes: Map<number, Record<string, EmoteWire>>;
}

export interface ListQuery {
  pn: number;
  ps: number;
  sort: number;
  nohot: boolean;
}

export interface ListResult {
  area: AreaRow;
  rows: ReplyRow[];
  hots: ReplyRow[];
  pinned: ReplyRow | null;
  ctx: ReplyViewContext;
  page: { num: number; size: number; count: number; acount: number };
}

export interface MainQuery {
  mode: number;
  ps: number;
  /** The legacy cursor; > 0 takes priority over pagination_str. */
  next: number;
  paginationStr: string | undefined;
}

export interface MainCursor {
  isBegin: boolean;
  isEnd: boolean;
  prev: number;
  next: number;
  mode: number;
  nextOffset: string;
  prevOffset: string;
}

export interface MainResult {
  area: AreaRow;
  rows: ReplyRow[];
  hots: ReplyRow[];
  /** The pinned comment, on the first page only. */
  pinned: ReplyRow | null;
  ctx: ReplyViewContext;
  cursor: MainCursor;
}

export interface ThreadResult {
  area: AreaRow;
  root: ReplyRow;
  rows: ReplyRow[];
  ctx: ReplyViewContext;
  page: { count: number; num: number; size: number };
}

export interface DialogResult {
  area: AreaRow;
  rows: ReplyRow[];
  ctx: ReplyViewContext;
  cursor: { min_floor: number; max_floor: number; size: number };
  dialog: { min_floor: number; max_floor: number };
}

export interface HotResult {
  area: AreaRow;
  rows: ReplyRow[];
  ctx: ReplyViewContext;
  page: { acount: number; count: number; num: number; size: number };
}

const SORT_ORDERS: Record<number, RootOrder> = { 0: 'time', 1: 'heat', 2: 'busy' };

/**
 * The reading endpoints (CONTRACT.md §3). Every one costs a bounded number of queries whatever the area
 * size: the page (an index range), then previews, members and the viewer's votes, one batch each.
 */
export class ReplyQueryService {
  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogService,
    private readonly emotes: EmoteResolver,
    private readonly members: MemberCache,
  ) {}

  /** GET /x/v2/reply: page-number mode. */
  async list(address: AreaAddress, viewerMid: number | null, q: ListQuery): Promise<ListResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const order = SORT_ORDERS[q.sort] ?? 'time';
    const [pinned, rows, hots] = await Promise.all([
      this.store.replies.findPinned(area),
      this.store.replies.listRoots(area, order, q.ps, (q.pn - 1) * q.ps, true),
      q.nohot ? Promise.resolve([]) : this.store.replies.listLiked(area, 1, HOTS_SIZE),
    ]);
    const ctx = await this.context(area, [...rows, ...hots, ...(pinned ? [pinned] : [])], viewerMid, true);
    return {
      area,
      rows,
      hots,
      pinned: pinned ?? null,
      ctx,
      page: { num: q.pn, size: q.ps, count: Number(area.root_count), acount: Number(area.all_count) },
    };
  }

  /** The viewer's votes on these comments (rpid → 1 like / 2 dislike): the per-viewer part of a cached page. */
  votesOf(viewerMid: number | null, rpids: readonly number[]): Promise<Map<number, number>> {
    if (viewerMid === null || rpids.length === 0) return Promise.resolve(new Map<number, number>());
    return this.store.replies.votesOf(viewerMid, rpids);
  }

  /** GET /x/v2/reply/main and /wbi/main: cursor mode. */
  async main(address: AreaAddress, viewerMid: number | null, q: MainQuery): Promise<MainResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const mode = q.mode === 0 ? 3 : q.mode;
    const hot = mode === 3;
    let position: Position;
    if (q.next > 0) {
      position = hot ? { kind: 'hot', page: q.next } : { kind: 'time', cursor: q.next, forward: true };
    } else {
      try {
        position = parsePaginationStr(q.paginationStr);
      } catch (error) {
        throw badParam('pagination_str', error instanceof CursorError ? error.message : '格式错误');
      }
    }
    if (position.kind !== 'start' && (position.kind === 'hot') !== hot) {
      throw badParam('pagination_str', 'offset type does not match mode');
    }

    let rows: ReplyRow[];
    let cursor: MainCursor;
    if (hot) {
      const page = position.kind === 'hot' ? position.page : 1;
      const fetched = await this.store.replies.listRoots(area, 'heat', q.ps + 1, (page - 1) * q.ps, true);
      const isEnd = fetched.length <= q.ps;
      rows = fetched.slice(0, q.ps);
      cursor = {
        isBegin: page === 1,
        isEnd,
        prev: page,
        next: page + 1,
        mode,
        nextOffset: isEnd ? '' : hotOffset(page + 1),
        prevOffset: page === 1 ? '' : hotOffset(page - 1),
      };
    } else {
      const from = position.kind === 'time' ? position : { cursor: 0, forward: true };
      const fetched = await this.store.replies.listRootsByFloor(
        area,
        from.cursor,
        from.forward,
        q.ps + 1,
        true,
      );
      let isBegin: boolean;
      let isEnd: boolean;
      if (from.forward) {
        isBegin = from.cursor === 0;
        isEnd = fetched.length <= q.ps;
        rows = fetched.slice(0, q.ps);
      } else {
        // Backward pages hold the ps comments just above the cursor; one more means newer ones remain.
        isBegin = fetched.length <= q.ps;
        isEnd = false;
        rows = fetched.slice(-q.ps);
      }
      const prev = rows[0]?.floor ?? 0;
      const next = rows.at(-1)?.floor ?? 0;
      cursor = {
        isBegin,
        isEnd: isEnd || rows.length === 0,
        prev,
        next,
        mode,
        nextOffset: isEnd || rows.length === 0 ? '' : timeOffset(next, true),
        prevOffset: isBegin || rows.length === 0 ? '' : timeOffset(prev, false),
      };
    }

    const first = cursor.isBegin;
    const [pinned, hots] = await Promise.all([
      first ? this.store.replies.findPinned(area) : Promise.resolve(undefined),
      mode === 1 && first ? this.store.replies.listLiked(area, 1, HOTS_SIZE) : Promise.resolve([]),
    ]);
    const ctx = await this.context(area, [...rows, ...hots, ...(pinned ? [pinned] : [])], viewerMid, true);
    return { area, rows, hots, pinned: pinned ?? null, ctx, cursor };
  }

  /** GET /x/v2/reply/reply: one root and a page of its replies in reply order. */
  async thread(
    address: AreaAddress,
    viewerMid: number | null,
    q: { root: number; pn: number; ps: number },
  ): Promise<ThreadResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const root = await this.rootOf(area, q.root);
    const size = Math.min(q.ps, MAX_THREAD_PAGE);
    const rows = await this.store.replies.listReplies(area, root.rpid, size, (q.pn - 1) * size);
    const ctx = await this.context(area, [root, ...rows], viewerMid, false);
    return { area, root, rows, ctx, page: { count: root.rcount, num: q.pn, size } };
  }

  /** GET /x/v2/reply/dialog/cursor: one conversation, in floor order after `minFloor`. */
  async dialog(
    address: AreaAddress,
    viewerMid: number | null,
    q: { root: number; dialog: number; size: number; minFloor: number },
  ): Promise<DialogResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const root = await this.rootOf(area, q.root);
    const head = await this.store.replies.find(q.dialog);
    if (!head || head.root !== root.rpid || head.dialog !== head.rpid) throw new BiliError(12006);
    const size = Math.min(q.size, MAX_THREAD_PAGE);
    const [rows, range] = await Promise.all([
      this.store.replies.listDialog(area, root.rpid, head.rpid, q.minFloor, size),
      this.store.replies.dialogRange(head.rpid),
    ]);
    const ctx = await this.context(area, rows, viewerMid, false);
    return {
      area,
      rows,
      ctx,
      cursor: { min_floor: rows[0]?.floor ?? 0, max_floor: rows.at(-1)?.floor ?? 0, size: rows.length },
      dialog: { min_floor: range.min, max_floor: range.max },
    };
  }

  /** GET /x/v2/reply/hot: hot level-1 comments, or hot replies of `root` when given. */
  async hot(
    address: AreaAddress,
    viewerMid: number | null,
    q: { root: number; pn: number; ps: number },
  ): Promise<HotResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const root = q.root > 0 ? await this.rootOf(area, q.root) : null;
    const rows = await this.store.replies.listHot(area, root?.rpid ?? 0, q.ps, (q.pn - 1) * q.ps);
    const ctx = await this.context(area, rows, viewerMid, false);
    return {
      area,
      rows,
      ctx,
      page: {
        acount: Number(area.all_count),
        count: root ? root.rcount : Number(area.root_count),
        num: q.pn,
        size: q.ps,
      },
    };
  }

  /** GET /x/v2/reply/info: one visible comment (-404 otherwise, or when type/oid name another area). */
  async info(
    rpid: number,
    address: { type?: number | undefined; oid?: number | undefined },
    viewerMid: number | null,
  ): Promise<{ area: AreaRow; row: ReplyRow; ctx: ReplyViewContext }> {
    const row = await this.store.replies.find(rpid);
    if (
      !row ||
      row.state !== ReplyState.Visible ||
      (address.type !== undefined && address.type !== row.type) ||
      (address.oid !== undefined && address.oid !== row.oid)
    ) {
      throw new BiliError(-404);
    }
    const area = await this.catalog.getArea(row.type, row.oid);
    const ctx = await this.context(area, [row], viewerMid, true);
    return { area, row, ctx };
  }

  /** GET /x/v2/reply/count: every visible comment of the area, replies included. */
  async count(address: AreaAddress): Promise<number> {
    const area = await this.catalog.getArea(address.type, address.oid);
    return Number(area.all_count);
  }

  /** A level-1 comment of this area named as `root`: 12006 when there is none, 12022 when deleted. */
  private async rootOf(area: AreaRow, rpid: number): Promise<ReplyRow> {
    const root = await this.store.replies.find(rpid);
    if (!root || root.type !== area.type || root.oid !== area.oid || root.root !== 0) {
      throw new BiliError(12006);
    }
    if (root.state !== ReplyState.Visible) throw new BiliError(12022);
    return root;
  }

  /**
   * The context of the reply/add echo, without the two queries `context` would spend on it: the new
   * comment's author is the caller (already loaded by the session), and nobody can have voted on it yet.
   * Only @-mentioned users are read.
   */
  async echoContext(row: ReplyRow, author: UserRow): Promise<ReplyViewContext> {
    const mentioned = mentionsOf(row).filter((mid) => mid !== author.mid);
    const users =
      mentioned.length > 0 ? await this.members.findByMids(mentioned) : new Map<number, UserRow>();
    users.set(author.mid, author);
    const emotes = new Map<number, Record<string, EmoteWire>>();
    emotes.set(row.rpid, row.message.includes('[') ? await this.emotes.resolve(row.message) : {});
    return { users, votes: new Map(), previews: new Map(), emotes };
  }

  /** Previews, members, the viewer's votes and emotes of `rows`. */
  async context(
    area: AreaRow,
    rows: readonly ReplyRow[],
    viewerMid: number | null,
    withPreviews: boolean,
  ): Promise<ReplyViewContext> {
    const roots = withPreviews ? rows.filter((r) => r.root === 0 && r.rcount > 0).map((r) => r.rpid) : [];
    const previews = await this.store.replies.previews(area, roots, PREVIEWS_PER_ROOT);
    const all = [...rows];
    for (const list of previews.values()) all.push(...list);
    const mids = new Set<number>();
    for (const row of all) {
      mids.add(row.mid);
      for (const mid of mentionsOf(row)) mids.add(mid);
    }
    const rpids = all.map((r) => r.rpid);
    const [users, votes, emoteMaps] = await Promise.all([
      this.members.findByMids([...mids]),
      viewerMid === null
        ? Promise.resolve(new Map<number, number>())
        : this.store.replies.votesOf(viewerMid, rpids),
      // Resolved from the emote catalogue's in-memory snapshot: no query per row.
      Promise.all(
        all.map((r) => (r.message.includes('[') ? this.emotes.resolve(r.message) : Promise.resolve({}))),
      ),
    ]);
    const emotes = new Map<number, Record<string, EmoteWire>>();
    all.forEach((row, i) => emotes.set(row.rpid, emoteMaps[i]!));
    return { users, votes, previews, emotes };
  }
}

/** The @-mentioned mids stored with a comment. */
export function mentionsOf(row: Pick<ReplyRow, 'mentions'>): number[] {
  if (row.mentions === '') return [];
  const parsed: unknown = JSON.parse(row.mentions);
  return Array.isArray(parsed) ? parsed.filter((m): m is number => typeof m === 'number') : [];
}
