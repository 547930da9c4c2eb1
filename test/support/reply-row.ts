import type { ReplyRow } from '../../src/store/repositories/reply.repository.ts';

/** A whole `replies` row with plain defaults (a visible root comment), for tests that write rows directly. */
export function replyRow(rpid: number, fields: Partial<ReplyRow> = {}): ReplyRow {
  return {
    rpid,
    type: 1,
    oid: 5,
    mid: 1,
    root: 0,
    parent: 0,
    dialog: 0,
    floor: 1,
    message: 'm',
    plat: 1,
    mentions: '',
    state: 0,
    like_count: 0,
    hate_count: 0,
    rcount: 0,
    reply_total: 0,
    pinned: 0,
    up_like: 0,
    up_reply: 0,
    ctime: 0,
    ...fields,
  };
}
