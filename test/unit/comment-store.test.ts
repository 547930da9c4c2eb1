import { describe, expect, it, vi } from 'vitest';
import type { ReplyItem, ReplyListData } from '../../src/client/reply-types.ts';
import { castVote, draftKey, initialState, pageCount } from '../../web/src/comments/comment-state.ts';
import type { CommentAction, CommentState } from '../../web/src/comments/comment-state.ts';
import { createCommentStore, reduce } from '../../web/src/comments/comment-store.ts';
import { Scope, createStore } from '../../web/src/comments/tiny-store.ts';

/** A reply with the fields the store reads; the rest of the wire object does not matter to it. */
function reply(rpid: number, extra: Partial<ReplyItem> = {}): ReplyItem {
  return deepFreeze({
    rpid,
    mid: 100 + rpid,
    root: 0,
    parent: 0,
    rcount: 0,
    like: 0,
    action: 0,
    ctime: 1_700_000_000,
    member: null,
    content: { message: `comment ${rpid}` },
    replies: null,
    ...extra,
  } as unknown as ReplyItem);
}

/** The list answer: frozen, so any write to a wire object by the reducer throws. */
function listData(replies: ReplyItem[], extra: { top?: ReplyItem; count?: number; acount?: number } = {}) {
  return deepFreeze({
    page: { num: 1, size: 20, count: extra.count ?? replies.length, acount: extra.acount ?? replies.length },
    upper: { mid: 7, top: extra.top ?? null, vote: null },
    control: { input_disable: false, root_input_text: 'Say something' },
    config: { read_only: false },
    replies,
  } as unknown as ReplyListData);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const run = (actions: CommentAction[], from: CommentState = initialState()) => actions.reduce(reduce, from);

describe('comment store: loading a page', () => {
  it('puts the pinned comment first on page 1 only, and takes counts, owner and votes from the answer', () => {
    const pinned = reply(3, { like: 5, action: 1 });
    const a = reply(1, { rcount: 4, replies: [reply(11, { root: 1, parent: 1 })] as never });
    const data = listData([a, pinned, reply(2)], { top: pinned, count: 45, acount: 60 });
    const s = run([{ type: 'loading' }, { type: 'loaded', pn: 1, data }]);
    expect(s.roots.map((r) => r.rpid)).toEqual([3, 1, 2]);
    expect(s).toMatchObject({ phase: 'ready', busy: false, pn: 1, pages: 3, owner: 7, count: 60, pinned: 3 });
    expect(s.placeholder).toBe('Say something');
    expect(s.votes[3]).toEqual({ action: 1, like: 5, busy: false });
    expect(s.votes[11]).toEqual({ action: 0, like: 0, busy: false });
    expect(s.threads[1]).toMatchObject({ total: 4, pn: 0, replyTo: null });
    expect(s.threads[1]!.replies.map((r) => r.rpid)).toEqual([11]);

    const page2 = run([{ type: 'loaded', pn: 2, data: listData([pinned, reply(4)], { top: pinned }) }], s);
    expect(page2.roots.map((r) => r.rpid)).toEqual([3, 4]);
    expect(page2.pinned).toBe(0);
  });

  it('marks a missing area, keeps the list on a failed load, and a closed area is read-only', () => {
    const s = run([{ type: 'loading' }, { type: 'failed', error: 'offline' }]);
    expect(s).toMatchObject({ busy: false, error: 'offline', phase: 'loading' });
    expect(run([{ type: 'missing' }], s).phase).toBe('missing');
    const closed = { ...listData([]), config: { read_only: true } } as unknown as ReplyListData;
    expect(run([{ type: 'loaded', pn: 1, data: closed }]).readOnly).toBe(true);
  });
});

describe('comment store: votes', () => {
  it('like and dislike exclude each other', () => {
    const none = { action: 0, like: 3, busy: false };
    expect(castVote(none, 'like')).toEqual({ on: true, next: { action: 1, like: 4, busy: false } });
    expect(castVote({ ...none, action: 1, like: 4 }, 'like')).toEqual({
      on: false,
      next: { action: 0, like: 3, busy: false },
    });
    expect(castVote({ ...none, action: 1, like: 4 }, 'hate')).toEqual({
      on: true,
      next: { action: 2, like: 3, busy: false },
    });
    expect(castVote({ ...none, action: 2 }, 'hate')).toEqual({ on: false, next: none });
    expect(castVote({ ...none, action: 2 }, 'like').next).toEqual({ action: 1, like: 4, busy: false });
  });

  it('is busy while a vote is sent, applies it when it succeeds, and reports a failure', () => {
    const loaded = run([{ type: 'loaded', pn: 1, data: listData([reply(1, { like: 2 })]) }]);
    const sent = run([{ type: 'vote-sent', rpid: 1 }], loaded);
    expect(sent.votes[1]!.busy).toBe(true);
    expect(run([{ type: 'voted', rpid: 1, kind: 'like' }], sent).votes[1]).toEqual({
      action: 1,
      like: 3,
      busy: false,
    });
    const failed = run([{ type: 'vote-failed', rpid: 1, error: 'no' }], sent);
    expect(failed.votes[1]).toEqual({ action: 0, like: 2, busy: false, error: 'no' });
    expect(failed.error).toBe('');
    expect(loaded.roots[0]!.like).toBe(2);
    expect(run([{ type: 'voted', rpid: 99, kind: 'like' }], loaded)).toBe(loaded);
  });
});

describe('comment store: posting, replying and deleting', () => {
  const loaded = run([
    { type: 'signed-in', user: { mid: 1, uname: 'a', face: '' } },
    { type: 'loaded', pn: 1, data: listData([reply(1, { rcount: 2 }), reply(2)], { acount: 10 }) },
  ]);

  it('a new root goes first with an empty thread, and its composer draft is cleared', () => {
    const s = run(
      [
        { type: 'draft', key: draftKey(), text: 'hi' },
        { type: 'posted', reply: reply(5) },
      ],
      loaded,
    );
    expect(s.roots.map((r) => r.rpid)).toEqual([5, 1, 2]);
    expect(s.count).toBe(11);
    expect(s.drafts[draftKey()]).toBe('');
    expect(s.threads[5]).toMatchObject({ replies: [], total: 0, pn: 0 });
    expect(s.votes[5]).toEqual({ action: 0, like: 0, busy: false });
  });

  it('a reply joins its thread and closes the reply box; another target starts a fresh draft', () => {
    const target = loaded.roots[0]!;
    const opened = run(
      [
        { type: 'reply-opened', root: 1, target },
        { type: 'draft', key: draftKey(1), text: 'thanks' },
      ],
      loaded,
    );
    expect(opened.threads[1]!.replyTo).toBe(target);
    expect(run([{ type: 'reply-opened', root: 1, target }], opened)).toBe(opened);
    const other = reply(12, { root: 1, parent: 1 });
    expect(run([{ type: 'reply-opened', root: 1, target: other }], opened).drafts[draftKey(1)]).toBe('');
    const s = run([{ type: 'posted', reply: reply(20, { root: 1, parent: 1 }) }], opened);
    expect(s.threads[1]).toMatchObject({ total: 3, replyTo: null });
    expect(s.threads[1]!.replies.map((r) => r.rpid)).toEqual([20]);
    expect(s.drafts[draftKey(1)]).toBe('');
    expect(s.count).toBe(11);
  });

  it('deleting a root takes its replies (as this page counts them) from the count', () => {
    const withReply = run([{ type: 'posted', reply: reply(20, { root: 1, parent: 1 }) }], loaded);
    const s = run([{ type: 'deleted', item: withReply.roots[0]! }], withReply);
    expect(s.roots.map((r) => r.rpid)).toEqual([2]);
    expect(s.threads[1]).toBeUndefined();
    expect(s.count).toBe(11 - 4);
    const r = run([{ type: 'deleted', item: withReply.threads[1]!.replies[0]! }], withReply);
    expect(r.threads[1]).toMatchObject({ replies: [], total: 2 });
    expect(r.count).toBe(10);
  });

  it('a page of replies replaces the preview and brings its votes', () => {
    const page = [reply(30, { root: 1, parent: 1, like: 1, action: 1 })];
    const s = run(
      [
        {
          type: 'replies-loaded',
          root: 1,
          pn: 2,
          data: { page: { count: 13, num: 2, size: 10 }, replies: page },
        },
      ],
      loaded,
    );
    expect(s.threads[1]).toMatchObject({ replies: page, total: 13, pn: 2, pages: 2 });
    expect(s.votes[30]).toEqual({ action: 1, like: 1, busy: false });
  });

  it('a notice replaces the error line; page counts never drop below one page', () => {
    const s = run(
      [
        { type: 'failed', error: 'x' },
        { type: 'noticed', text: 'Thanks' },
      ],
      loaded,
    );
    expect(s).toMatchObject({ error: '', notice: 'Thanks' });
    expect([pageCount(0, 20), pageCount(20, 20), pageCount(21, 20)]).toEqual([1, 1, 2]);
  });
});

describe('tiny store and scopes', () => {
  it('tells subscribers of changes only, and stops after unsubscribe', () => {
    const store = createStore((n: number, by: number) => n + by, 0);
    const seen = vi.fn();
    const stop = store.subscribe(seen);
    store.dispatch(2);
    store.dispatch(0);
    stop();
    store.dispatch(1);
    expect(seen.mock.calls).toEqual([[2]]);
    expect(store.get()).toBe(3);
  });

  it('a watch runs at once and on a changed selection; a disposed child scope stops watching', () => {
    const store = createCommentStore(9);
    const scope = new Scope(store);
    const counts: number[] = [];
    const drafts: string[] = [];
    scope.watch(
      (s) => s.count,
      (n) => counts.push(n),
    );
    const child = scope.child();
    child.watch(
      (s) => [s.drafts['root'] ?? '', s.owner] as const,
      ([d]) => drafts.push(d),
    );
    store.dispatch({ type: 'draft', key: 'root', text: 'a' });
    store.dispatch({ type: 'sorted', sort: 'time' });
    store.dispatch({ type: 'posted', reply: reply(1) });
    child.dispose();
    store.dispatch({ type: 'draft', key: 'root', text: 'b' });
    scope.dispose();
    store.dispatch({ type: 'posted', reply: reply(2) });
    expect(counts).toEqual([0, 1]);
    expect(drafts).toEqual(['', 'a', '']);
  });
});
