import type { ReplyItem, ReplyListData, ReplyThreadData } from 'replay/client';
import type { Me } from '../api.ts';

/**
 * The shape of a comment section's state and the actions that change it (the reducer is in
 * comment-store.ts), with the small rules both the store and the parts use.
 */

export type Sort = 'hot' | 'time';
export const PAGE_SIZE = 20;
export const SUB_PAGE_SIZE = 10;

export interface Vote {
  /** 0 none, 1 liked, 2 disliked (the wire's `action`). */
  action: number;
  like: number;
  /** A vote request is on its way; the buttons wait for it. */
  busy: boolean;
  /** Why the last vote failed, shown beside the buttons ('' or absent: it did not). */
  error?: string;
}

export interface Thread {
  /** The replies shown under the root: its preview or a fetched page, plus those posted here. */
  replies: readonly ReplyItem[];
  /** Replies under the root, as far as this page knows (the server's count, plus posts, minus deletes). */
  total: number;
  /** The page of replies shown, or 0 while the list's preview is shown. */
  pn: number;
  pages: number;
  /** The comment the open reply box answers (null: no reply box). */
  replyTo: ReplyItem | null;
}

export interface CommentState {
  phase: 'loading' | 'ready' | 'missing';
  busy: boolean;
  user: Me | null;
  sort: Sort;
  /** The page of root comments shown, and how many there are. */
  pn: number;
  pages: number;
  owner: number;
  readOnly: boolean;
  /** The header's count: every visible comment of the area. */
  count: number;
  placeholder: string;
  pinned: number;
  /** Root comments in display order (the pinned one first on page 1). */
  roots: readonly ReplyItem[];
  threads: Readonly<Record<number, Thread>>;
  votes: Readonly<Record<number, Vote>>;
  /** Composer drafts by `draftKey`. */
  drafts: Readonly<Record<string, string>>;
  error: string;
  notice: string;
  /** The comment the section was opened at (`#reply<rpid>`, a notice's link): highlighted; 0 for none. */
  focus: number;
}

export type CommentAction =
  | { type: 'signed-in'; user: Me | null }
  | { type: 'sorted'; sort: Sort }
  | { type: 'loading' }
  | { type: 'loaded'; pn: number; data: ReplyListData }
  | { type: 'missing' }
  | { type: 'failed'; error: string }
  | { type: 'vote-sent'; rpid: number }
  | { type: 'voted'; rpid: number; kind: 'like' | 'hate' }
  | { type: 'vote-failed'; rpid: number; error: string }
  | { type: 'draft'; key: string; text: string }
  | { type: 'posted'; reply: ReplyItem }
  | { type: 'deleted'; item: ReplyItem }
  | { type: 'replies-loaded'; root: number; pn: number; data: Pick<ReplyThreadData, 'page' | 'replies'> }
  | { type: 'reply-opened'; root: number; target: ReplyItem }
  | { type: 'reply-closed'; root: number }
  | { type: 'noticed'; text: string }
  | { type: 'focused'; rpid: number };

export function initialState(ownerHint = 0): CommentState {
  return {
    phase: 'loading',
    busy: false,
    user: null,
    sort: 'hot',
    pn: 1,
    pages: 1,
    owner: ownerHint,
    readOnly: false,
    count: 0,
    placeholder: '',
    pinned: 0,
    roots: [],
    threads: {},
    votes: {},
    drafts: {},
    error: '',
    notice: '',
    focus: 0,
  };
}

/** The composer a draft belongs to: the section's own (no root) or the reply box of a thread. */
export function draftKey(root?: number): string {
  return root ? `reply:${root}` : 'root';
}

/** The request a click on like or dislike makes (`on`), and the vote after it succeeds. */
export function castVote(vote: Vote, kind: 'like' | 'hate'): { on: boolean; next: Vote } {
  if (kind === 'like') {
    const on = vote.action !== 1;
    return { on, next: { action: on ? 1 : 0, like: vote.like + (on ? 1 : -1), busy: false } };
  }
  // Like and dislike exclude each other: a dislike takes a like back (CONTRACT.md §4.2–4.3).
  const on = vote.action !== 2;
  const like = on && vote.action === 1 ? vote.like - 1 : vote.like;
  return { on, next: { action: on ? 2 : 0, like, busy: false } };
}

export function pageCount(items: number, size: number): number {
  return Math.max(1, Math.ceil(items / size));
}
