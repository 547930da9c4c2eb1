import type { Generated } from 'kysely';

/** The message center's storage (CONTRACT.md §15, DESIGN.md §9); see the notices migration. */

/** One reply or @ event for one recipient. */
export interface NoticesTable {
  id: Generated<number>;
  recipient_mid: number;
  /** NoticeKind: 1 reply, 2 at. */
  kind: number;
  /** The source comment's ctime (Unix s). */
  time: number;
  /** Who wrote the source comment. */
  actor_mid: number;
  type: number;
  oid: number;
  /** The source comment's root (0 when the source is itself a level-1 comment). */
  root: number;
  /** The comment that caused the notice. */
  source_rpid: number;
  /** The recipient's comment that was answered; 0 for a root comment on the recipient's content and for @. */
  target_rpid: number;
}

/** One card per liked comment: the likes it received aggregate here. */
export interface LikeNoticesTable {
  id: Generated<number>;
  /** The liked comment's author. */
  recipient_mid: number;
  rpid: number;
  type: number;
  oid: number;
  /** The latest like that counted (a muted card keeps its time). */
  like_time: number;
  /** Likes by others than the author, counted as they come and go. */
  counts: number;
  /** `notice_state` 1: the recipient muted this card. */
  muted: Generated<number>;
}

/** When a user last opened a feed (NoticeFeed: 1 reply, 2 at, 3 like). */
export interface NoticeViewsTable {
  mid: number;
  feed: number;
  last_view_at: number;
}
