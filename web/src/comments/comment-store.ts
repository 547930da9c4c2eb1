import type { ReplyItem } from 'replay/client';
import { PAGE_SIZE, SUB_PAGE_SIZE, castVote, draftKey, initialState, pageCount } from './comment-state.ts';
import type { CommentAction, CommentState, Thread, Vote } from './comment-state.ts';
import { createStore } from './tiny-store.ts';
import type { Store } from './tiny-store.ts';

/**
 * The comment section's state and the only code that changes it: the parts dispatch actions and render
 * what they select. Pure (no DOM, no requests), so it is unit-tested on its own. Wire objects from the
 * server are kept as they came and never mutated; what changes after a load lives beside them (`votes`,
 * `threads`, `count`).
 */

export type CommentStore = Store<CommentState, CommentAction>;

export function createCommentStore(ownerHint?: number): CommentStore {
  return createStore(reduce, initialState(ownerHint));
}

function votesOf(items: readonly ReplyItem[], into: Record<number, Vote> = {}): Record<number, Vote> {
  for (const item of items) into[item.rpid] = { action: item.action, like: item.like, busy: false };
  return into;
}

function previewThread(root: ReplyItem): Thread {
  return { replies: root.replies ?? [], total: root.rcount, pn: 0, pages: 1, replyTo: null };
}

function patchThread(state: CommentState, root: number, patch: Partial<Thread>): CommentState {
  const thread = state.threads[root];
  return thread ? { ...state, threads: { ...state.threads, [root]: { ...thread, ...patch } } } : state;
}

function patchVote(state: CommentState, rpid: number, patch: Partial<Vote>): CommentState {
  const vote = state.votes[rpid];
  return vote ? { ...state, votes: { ...state.votes, [rpid]: { ...vote, ...patch } } } : state;
}

export function reduce(state: CommentState, action: CommentAction): CommentState {
  switch (action.type) {
    case 'signed-in':
      return { ...state, user: action.user };
    case 'sorted':
      return { ...state, sort: action.sort };
    case 'loading':
      return { ...state, busy: true };
    case 'loaded': {
      const { data, pn } = action;
      const top = pn === 1 ? data.upper.top : null;
      const roots = [...(top ? [top] : []), ...(data.replies ?? []).filter((r) => r.rpid !== top?.rpid)];
      const votes: Record<number, Vote> = {};
      const threads: Record<number, Thread> = {};
      for (const root of roots) {
        votesOf([root, ...(root.replies ?? [])], votes);
        threads[root.rpid] = previewThread(root);
      }
      return {
        ...state,
        phase: 'ready',
        busy: false,
        pn,
        pages: pageCount(data.page.count, PAGE_SIZE),
        owner: data.upper.mid,
        readOnly: data.control.input_disable || data.config.read_only,
        count: data.page.acount,
        placeholder: data.control.root_input_text,
        pinned: top?.rpid ?? 0,
        roots,
        threads,
        votes,
        error: '',
      };
    }
    case 'missing':
      return { ...state, phase: 'missing', busy: false, roots: [], threads: {}, pages: 1 };
    case 'failed':
      return { ...state, busy: false, error: action.error };
    case 'vote-sent':
      return patchVote(state, action.rpid, { busy: true });
    case 'voted': {
      const vote = state.votes[action.rpid];
      if (!vote) return state;
      return {
        ...state,
        error: '',
        votes: { ...state.votes, [action.rpid]: castVote(vote, action.kind).next },
      };
    }
    case 'vote-failed':
      // Beside the buttons that were pressed, not at the top of the section.
      return patchVote(state, action.rpid, { busy: false, error: action.error });
    case 'draft':
      return { ...state, drafts: { ...state.drafts, [action.key]: action.text } };
    case 'posted':
      return posted(state, action.reply);
    case 'deleted':
      return deleted(state, action.item);
    case 'replies-loaded': {
      const { data, pn, root } = action;
      const next = patchThread(state, root, {
        replies: data.replies,
        total: data.page.count,
        pn,
        pages: pageCount(data.page.count, SUB_PAGE_SIZE),
      });
      return { ...next, votes: votesOf(data.replies, { ...next.votes }) };
    }
    case 'reply-opened': {
      // Another comment answered: a fresh box, as the words were meant for someone else.
      if (state.threads[action.root]?.replyTo === action.target) return state;
      const next = patchThread(state, action.root, { replyTo: action.target });
      return { ...next, drafts: { ...next.drafts, [draftKey(action.root)]: '' } };
    }
    case 'reply-closed':
      return patchThread(state, action.root, { replyTo: null });
    case 'noticed':
      return { ...state, notice: action.text, error: action.text ? '' : state.error };
    case 'focused':
      return { ...state, focus: action.rpid };
  }
}

function posted(state: CommentState, reply: ReplyItem): CommentState {
  const base = {
    ...state,
    count: state.count + 1,
    votes: votesOf([reply], { ...state.votes }),
    drafts: { ...state.drafts, [draftKey(reply.root)]: '' },
  };
  if (reply.root === 0) {
    return {
      ...base,
      roots: [reply, ...state.roots],
      threads: { ...state.threads, [reply.rpid]: previewThread(reply) },
    };
  }
  const thread = state.threads[reply.root];
  if (!thread) return base;
  return patchThread(base, reply.root, {
    replies: [...thread.replies, reply],
    total: thread.total + 1,
    replyTo: null,
  });
}

function deleted(state: CommentState, item: ReplyItem): CommentState {
  if (item.root === 0) {
    // A root takes its replies along (DESIGN.md §4).
    const gone = 1 + (state.threads[item.rpid]?.total ?? item.rcount);
    const threads = { ...state.threads };
    delete threads[item.rpid];
    return {
      ...state,
      error: '',
      count: Math.max(0, state.count - gone),
      roots: state.roots.filter((r) => r.rpid !== item.rpid),
      threads,
    };
  }
  const thread = state.threads[item.root];
  const next = { ...state, error: '', count: Math.max(0, state.count - 1) };
  if (!thread) return next;
  return patchThread(next, item.root, {
    replies: thread.replies.filter((r) => r.rpid !== item.rpid),
    total: Math.max(0, thread.total - 1),
  });
}
