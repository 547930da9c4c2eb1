import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope, Params } from './http.ts';
import type {
  AreaParams,
  ReplyAddData,
  ReplyCountData,
  ReplyDialogData,
  ReplyHotData,
  ReplyItem,
  ReplyListData,
  ReplyMainData,
  ReplyTargetParams,
  ReplyThreadData,
} from './reply-types.ts';
import { WbiSigner } from './wbi-signer.ts';

/** Comment areas (CONTRACT.md §3–§4): `client.reply.*`. Writes send `csrf` (Cookie) or `access_key` (APP). */
export class ReplyApi {
  private readonly signer: WbiSigner;

  constructor(private readonly client: BiliClient) {
    this.signer = new WbiSigner(client);
  }

  // --- reading -------------------------------------------------------------------------------------

  /** GET /x/v2/reply: page-number mode; sort 0 time, 1 likes, 2 replies. */
  list(
    params: AreaParams & { pn?: number; ps?: number; sort?: 0 | 1 | 2; nohot?: 0 | 1 },
  ): Promise<BiliEnvelope<ReplyListData>> {
    return this.client.get('/x/v2/reply', { ...params });
  }

  /**
   * GET /x/v2/reply/wbi/main (cursor mode; mode 2 time, 3 hot, 1 hot then time). Signed with Wbi unless
   * `signed: false`; `legacy: true` uses the older /x/v2/reply/main path.
   */
  async main(
    params: AreaParams & {
      mode?: number;
      next?: number;
      ps?: number;
      pagination_str?: string;
      plat?: number;
    },
    options: { signed?: boolean; legacy?: boolean } = {},
  ): Promise<BiliEnvelope<ReplyMainData>> {
    const query: Params = { ...params };
    const path = options.legacy ? '/x/v2/reply/main' : '/x/v2/reply/wbi/main';
    return this.client.get(path, options.signed === false ? query : await this.signer.sign(query));
  }

  /** The `pagination_str` that asks for the page after `data` (from its `next_offset`). */
  static nextPage(data: ReplyMainData): string {
    return JSON.stringify({ offset: data.cursor.pagination_reply.next_offset });
  }

  /** GET /x/v2/reply/reply: a root and its replies in reply order (at most 20 a page). */
  replies(
    params: AreaParams & { root: number; pn?: number; ps?: number },
  ): Promise<BiliEnvelope<ReplyThreadData>> {
    return this.client.get('/x/v2/reply/reply', { ...params });
  }

  /** GET /x/v2/reply/dialog/cursor: one conversation thread. */
  dialog(
    params: AreaParams & { root: number; dialog: number; size: number; min_floor?: number },
  ): Promise<BiliEnvelope<ReplyDialogData>> {
    return this.client.get('/x/v2/reply/dialog/cursor', { ...params });
  }

  /** GET /x/v2/reply/hot: hot comments of the area, or of one root's replies. */
  hot(params: AreaParams & { root?: number; pn?: number; ps?: number }): Promise<BiliEnvelope<ReplyHotData>> {
    return this.client.get('/x/v2/reply/hot', { ...params });
  }

  /** GET /x/v2/reply/info: one comment. */
  info(params: { rpid: number; type?: number; oid?: number }): Promise<BiliEnvelope<ReplyItem>> {
    return this.client.get('/x/v2/reply/info', { ...params });
  }

  /** GET /x/v2/reply/count: every visible comment of the area. */
  count(params: AreaParams): Promise<BiliEnvelope<ReplyCountData>> {
    return this.client.get('/x/v2/reply/count', { ...params });
  }

  // --- actions -------------------------------------------------------------------------------------

  /** POST /x/v2/reply/add: a level-1 comment, or a reply with `root` (and `parent` below level 2). */
  add(
    params: AreaParams & { message: string; root?: number; parent?: number; plat?: number },
  ): Promise<BiliEnvelope<ReplyAddData>> {
    return this.client.post('/x/v2/reply/add', { ...params });
  }

  /** POST /x/v2/reply/action: 1 like (clears a dislike), 0 remove the like. */
  like(params: ReplyTargetParams & { action: 0 | 1 }): Promise<BiliEnvelope> {
    return this.client.post('/x/v2/reply/action', { ...params });
  }

  /** POST /x/v2/reply/hate: 1 dislike (clears a like), 0 remove the dislike. */
  hate(params: ReplyTargetParams & { action: 0 | 1 }): Promise<BiliEnvelope> {
    return this.client.post('/x/v2/reply/hate', { ...params });
  }

  /** POST /x/v2/reply/del: the author or the area owner. */
  del(params: ReplyTargetParams): Promise<BiliEnvelope> {
    return this.client.post('/x/v2/reply/del', { ...params });
  }

  /** POST /x/v2/reply/top: the area owner pins (1) or unpins (0) a level-1 comment. */
  top(params: ReplyTargetParams & { action: 0 | 1 }): Promise<BiliEnvelope> {
    return this.client.post('/x/v2/reply/top', { ...params });
  }

  /** POST /x/v2/reply/report: `reason` 0–17; 0 ("other") needs `content` of 2–200 characters. */
  report(params: ReplyTargetParams & { reason: number; content?: string }): Promise<BiliEnvelope> {
    return this.client.post('/x/v2/reply/report', { ...params });
  }
}
