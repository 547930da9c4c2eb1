import { BiliError } from '../errors.ts';
import { ReplyState } from '../store/repositories/reply.repository.ts';
import type { ReplyRow } from '../store/repositories/reply.repository.ts';
import type { Store } from '../store/store.ts';
import type { CatalogService } from './catalog.service.ts';
import type { ListResult, ReplyQueryService } from './reply-query.service.ts';
import type { AreaAddress } from './reply.service.ts';

/** reply/jump answers the page-number list (`/x/v2/reply`, time order) at this page size. */
export const JUMP_PAGE_SIZE = 20;

export interface JumpResult {
  list: ListResult;
  /** The located comment's root when the comment is a reply (it is then among the root's previews). */
  root: ReplyRow | null;
}

/**
 * GET /x/v2/reply/jump (CONTRACT.md §20): the page of the area, in the time order of `/x/v2/reply`, that
 * holds the comment (or its root). The page is found by counting the newer level-1 comments (one index
 * range) and then read by the list query itself, so the answer is exactly that list page.
 */
export class ReplyJumpService {
  constructor(
    private readonly store: Store,
    private readonly catalog: CatalogService,
    private readonly queries: ReplyQueryService,
  ) {}

  async jump(address: AreaAddress, rpid: number, viewerMid: number | null): Promise<JumpResult> {
    const area = await this.catalog.getArea(address.type, address.oid);
    const row = await this.store.replies.find(rpid);
    if (!row || row.type !== area.type || row.oid !== area.oid) throw new BiliError(12006);
    if (row.state !== ReplyState.Visible) throw new BiliError(12022);
    const root = row.root === 0 ? row : await this.store.replies.find(row.root);
    if (!root || root.state !== ReplyState.Visible) throw new BiliError(12022);

    // The pinned comment is not among the list's rows (it is `upper.top` of the first page).
    const newer = root.pinned ? 0 : await this.store.replies.countRootsAfter(area, root.floor);
    const pn = Math.floor(newer / JUMP_PAGE_SIZE) + 1;
    const list = await this.queries.list(address, viewerMid, {
      pn,
      ps: JUMP_PAGE_SIZE,
      sort: 0,
      nohot: true,
    });
    if (row.root === 0) return { list, root: null };

    // A reply the root's heat-ordered previews do not show is added to them, so a client finds it where it
    // looks (in `replies[].replies` and in `root.replies`).
    const extra = await this.queries.context(area, [root, row], viewerMid, false);
    const ctx = list.ctx;
    for (const [mid, user] of extra.users) ctx.users.set(mid, user);
    for (const [id, vote] of extra.votes) ctx.votes.set(id, vote);
    for (const [id, emotes] of extra.emotes) ctx.emotes.set(id, emotes);
    const previews = ctx.previews.get(root.rpid) ?? [];
    if (!previews.some((p) => p.rpid === row.rpid)) ctx.previews.set(root.rpid, [...previews, row]);
    return { list, root };
  }
}
