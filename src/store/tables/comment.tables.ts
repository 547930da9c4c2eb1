import type { Generated } from 'kysely';

/**
 * Comment storage (CONTRACT.md §2–§4, DESIGN.md §4–§5). Counters live on the rows they describe and are
 * changed in the same transaction as the write that changes them; nothing is recounted on read.
 */

export interface RepliesTable {
  rpid: number;
  type: number;
  oid: number;
  /** Author. */
  mid: number;
  /** 0 for a level-1 comment, else the level-1 comment it belongs under. */
  root: number;
  /** 0 for level-1; the replied-to rpid otherwise (== root for a direct reply). */
  parent: number;
  /** 0 for level-1; a level-2 reply's own rpid; deeper replies inherit their parent's. */
  dialog: number;
  /**
   * Position among its siblings: for a level-1 comment the area's n-th comment, for a reply the root's
   * n-th reply. Monotonic within (type, oid, root), so it is the keyset of time order and the `next`
   * cursor of CONTRACT.md §3.2.
   */
  floor: number;
  /** As stored (trimmed, with the `回复 @<uname> :` prefix for deep replies). */
  message: string;
  plat: Generated<number>;
  /** JSON array of the @-mentioned mids, or '' for none. */
  mentions: Generated<string>;
  /** 0 visible, 1 deleted (by its author, the area owner, an operator, or with its root). */
  state: Generated<number>;
  like_count: Generated<number>;
  hate_count: Generated<number>;
  /** Level-1 only: visible replies under it. */
  rcount: Generated<number>;
  /** Level-1 only: replies ever posted under it (deleted ones included); also the replies' floor counter. */
  reply_total: Generated<number>;
  /** 1 for the area's pinned comment; a partial unique index allows one per area. */
  pinned: Generated<number>;
  /** The area owner likes it. */
  up_like: Generated<number>;
  /** The area owner replied to it (or, for a root, anywhere in its thread). */
  up_reply: Generated<number>;
  ctime: number;
}

export interface ReplyVotesTable {
  rpid: number;
  mid: number;
  /** 1 like, 2 dislike: the `action` value listings show. */
  value: number;
  created_at: number;
}

export interface ReplyReportsTable {
  rpid: number;
  /** The reporter; (rpid, mid) is the primary key, which is the one-report-per-user rule. */
  mid: number;
  type: number;
  oid: number;
  reason: number;
  content: string;
  created_at: number;
  /** 0 pending, 1 dismissed, 2 resolved by deleting the comment. */
  status: Generated<number>;
  resolved_at: number | null;
}

/**
 * The duplicate rule's claims (12051): one row per (author, area, parent, message digest) with the time
 * of the last accepted post. The primary key is what makes the rule hold for posts arriving at once.
 */
export interface ReplyDedupeTable {
  mid: number;
  type: number;
  oid: number;
  parent: number;
  /** SHA-256 of the stored message, base64url. */
  digest: string;
  ctime: number;
}
