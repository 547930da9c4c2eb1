import { describe, expect, it } from 'vitest';
import { invariantViolations } from '../support/store-invariants.ts';
import type { StoreSnapshot } from '../support/store-invariants.ts';
import { replyRow } from '../support/reply-row.ts';

/**
 * The checker the crash and cluster tests rely on must itself notice a broken store; otherwise those tests
 * could pass with nothing checked. A small consistent store, then one corruption at a time.
 */

const reply = replyRow;

/** Two roots (the first pinned, liked by its owner), a thread of two replies, one deleted reply. */
function consistent(): StoreSnapshot {
  return {
    replies: [
      reply(10, { floor: 1, rcount: 2, reply_total: 3, like_count: 1, up_like: 1, pinned: 1 }),
      reply(11, { floor: 2, hate_count: 1 }),
      reply(12, { root: 10, parent: 10, dialog: 12, floor: 1, mid: 2 }),
      reply(13, { root: 10, parent: 12, dialog: 12, floor: 2, mid: 3 }),
      reply(14, { root: 10, parent: 10, dialog: 14, floor: 3, state: 1 }),
    ],
    votes: [
      { rpid: 10, mid: 1, value: 1, created_at: 0 },
      { rpid: 11, mid: 2, value: 2, created_at: 0 },
    ],
    reports: [
      {
        rpid: 11,
        mid: 3,
        type: 1,
        oid: 5,
        reason: 2,
        content: '',
        created_at: 0,
        status: 0,
        resolved_at: null,
      },
    ],
    areas: [
      { type: 1, oid: 5, owner_mid: 1, closed: 0, created_at: 0, root_count: 2, all_count: 4, root_floor: 2 },
    ],
    history: [],
    sessions: [],
    plays: [{ viewer: 'm:2', aid: 5, counted_at: 0, address: '' }],
    stats: [{ aid: 5, view: 1 }],
    // 12 answers the owner's root 10, 13 answers 12; the owner's own comments notify nobody.
    notices: [
      {
        id: 1,
        recipient_mid: 1,
        kind: 1,
        time: 0,
        actor_mid: 2,
        type: 1,
        oid: 5,
        root: 10,
        source_rpid: 12,
        target_rpid: 10,
      },
      {
        id: 2,
        recipient_mid: 2,
        kind: 1,
        time: 0,
        actor_mid: 3,
        type: 1,
        oid: 5,
        root: 10,
        source_rpid: 13,
        target_rpid: 12,
      },
    ],
    likeCards: [],
    banned: new Set(),
  };
}

function corrupted(change: (s: StoreSnapshot) => void): string[] {
  const s = consistent();
  change(s);
  return invariantViolations(s, { viewsExact: true });
}

const at = (s: StoreSnapshot, rpid: number) => s.replies.find((r) => r.rpid === rpid)!;

describe('store invariants checker', () => {
  it('finds nothing wrong in a consistent store', () => {
    expect(invariantViolations(consistent(), { viewsExact: true })).toEqual([]);
  });

  it.each<[string, (s: StoreSnapshot) => void, string]>([
    [
      'a like row without its counter',
      (s) => s.votes.push({ rpid: 11, mid: 4, value: 1, created_at: 0 }),
      'comment 11: like_count 0 but 1 like rows',
    ],
    [
      'a dislike counter without its row',
      (s) => (at(s, 10).hate_count = 1),
      'comment 10: hate_count 1 but 0 dislike rows',
    ],
    ['rcount off by one', (s) => (at(s, 10).rcount = 3), 'comment 10: rcount 3 but 2 visible replies'],
    [
      'count (reply_total) behind its rows',
      (s) => (at(s, 10).reply_total = 2),
      'comment 10: count (reply_total) 2 but 3 replies',
    ],
    ['a reply whose root is missing', (s) => s.replies.splice(0, 1), 'comment 12: root 10 is missing'],
    [
      'a visible reply under a deleted root',
      (s) => (at(s, 10).state = 1),
      'comment 10: deleted root with 2 visible replies',
    ],
    ['two pinned comments in one area', (s) => (at(s, 11).pinned = 1), 'area 1/5: 2 pinned comments'],
    [
      'page.count off',
      (s) => (s.areas[0]!.root_count = 3),
      'area 1/5: root_count (page.count) 3 but 2 visible level-1 comments',
    ],
    [
      'acount off',
      (s) => (s.areas[0]!.all_count = 5),
      'area 1/5: all_count (acount) 5 but 4 visible comments',
    ],
    [
      'a dialog that is not the thread of the parent',
      (s) => (at(s, 13).dialog = 13),
      'comment 13: dialog 13, expected 12',
    ],
    [
      'up_like without the owner like',
      (s) => (at(s, 11).up_like = 1),
      "comment 11: up_like 1 but the area owner's like row is absent",
    ],
    ['a view without a counted play', (s) => (s.stats[0]!.view = 2), 'archive 5: view 2 but 1 counted plays'],
    [
      'a reply acknowledged without its notice',
      (s) => s.notices.splice(1, 1),
      'comment 13 by 3: 0 reply notices to 2, expected 1',
    ],
    ['a notice outliving its comment', (s) => (at(s, 13).state = 1), 'notice 2 to 2 outlives its comment 13'],
    [
      'a like card behind its likes',
      (s) => {
        s.votes.push({ rpid: 12, mid: 3, value: 1, created_at: 0 });
        at(s, 12).like_count = 1;
        s.likeCards.push({
          id: 7,
          recipient_mid: 2,
          rpid: 12,
          type: 1,
          oid: 5,
          like_time: 0,
          counts: 2,
          muted: 0,
        });
      },
      'like card 7: counts 2 but 1 likes',
    ],
    [
      'a report of a comment that does not exist',
      (s) => (s.reports[0]!.rpid = 99),
      'report of mid 3 on missing comment 99',
    ],
  ])('notices %s', (_, change, problem) => {
    expect(corrupted(change)).toContain(problem);
  });
});
