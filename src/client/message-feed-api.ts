import type { BiliClient } from './bili-client.ts';
import type { BiliEnvelope } from './http.ts';

/** Wire types of the message center and reply/jump: the `Static<>` types of their schemas in `src/wire/`. */
export type {
  MsgAtData,
  MsgAtItem,
  MsgCursor,
  MsgLikeData,
  MsgLikeDetail,
  MsgLikeDetailData,
  MsgLikeItem,
  MsgLiker,
  MsgReplyData,
  MsgReplyDetail,
  MsgReplyItem,
  MsgUnreadData,
  MsgUser,
} from '../wire/message-feed.schema.ts';
export type { ReplyJumpData } from '../wire/reply-jump.schema.ts';

import type {
  MsgAtData,
  MsgLikeData,
  MsgLikeDetailData,
  MsgReplyData,
  MsgUnreadData,
} from '../wire/message-feed.schema.ts';
import type { ReplyJumpData } from '../wire/reply-jump.schema.ts';

/** A feed position: the `cursor.id` and `cursor.time` of the previous page. */
export interface FeedCursorParams {
  id: number;
  time: number;
}

/** `tp` of del / notice. */
export type MsgFeedTp = 0 | 1 | 2;

/**
 * The message center (CONTRACT.md §15): `client.msgfeed.*`, with the parameters Bilibili's web client
 * sends. Opening a feed's first page (no cursor) marks it read.
 */
export class MessageFeedApi {
  constructor(private readonly client: BiliClient) {}

  unread(): Promise<BiliEnvelope<MsgUnreadData>> {
    return this.client.get('/x/msgfeed/unread', { build: 0, mobi_app: 'web' });
  }

  /** GET /x/msgfeed/reply ("回复我的"); the cursor is sent as `id` + `reply_time`. */
  reply(cursor?: FeedCursorParams): Promise<BiliEnvelope<MsgReplyData>> {
    return this.client.get('/x/msgfeed/reply', {
      build: 0,
      mobi_app: 'web',
      platform: 'web',
      ...(cursor ? { id: cursor.id, reply_time: cursor.time } : {}),
    });
  }

  /** GET /x/msgfeed/at ("@我的"); the cursor is sent as `id` + `at_time`. */
  at(cursor?: FeedCursorParams): Promise<BiliEnvelope<MsgAtData>> {
    return this.client.get('/x/msgfeed/at', {
      build: 0,
      mobi_app: 'web',
      platform: 'web',
      ...(cursor ? { id: cursor.id, at_time: cursor.time } : {}),
    });
  }

  /** GET /x/msgfeed/like ("收到的赞"); the cursor (of `total`) is sent as `id` + `like_time`. */
  like(cursor?: FeedCursorParams): Promise<BiliEnvelope<MsgLikeData>> {
    return this.client.get('/x/msgfeed/like', {
      build: 0,
      mobi_app: 'web',
      platform: 'web',
      ...(cursor ? { id: cursor.id, like_time: cursor.time } : {}),
    });
  }

  /** GET /x/msgfeed/like_detail: everyone who liked one card's comment, newest first. */
  likeDetail(params: {
    card_id: number;
    pn?: number;
    ps?: number;
    last_mid?: number;
  }): Promise<BiliEnvelope<MsgLikeDetailData>> {
    return this.client.get('/x/msgfeed/like_detail', { build: 0, mobi_app: 'web', ...params });
  }

  /** POST /x/msgfeed/del: `tp` 0 a like card, 1 a reply notice, 2 an @ notice. */
  del(tp: MsgFeedTp, id: number): Promise<BiliEnvelope> {
    return this.client.post('/x/msgfeed/del', { tp, id, build: 0, mobi_app: 'web' });
  }

  /** POST /x/msgfeed/notice: mute (1) or unmute (0) like notices of one card. */
  notice(id: number, noticeState: 0 | 1): Promise<BiliEnvelope> {
    return this.client.post('/x/msgfeed/notice', {
      tp: 0,
      id,
      notice_state: noticeState,
      build: 0,
      mobi_app: 'web',
      platform: 'web',
    });
  }

  /** GET /x/v2/reply/jump: the comment-list page that holds `rpid` (works signed out). */
  jump(params: { type: number; oid: number; rpid: number }): Promise<BiliEnvelope<ReplyJumpData>> {
    return this.client.get('/x/v2/reply/jump', { ...params });
  }
}
