import type { ReplyItem } from 'replay/client';
import { h, replace, uid } from '../dom.ts';
import { CommentActions } from './comment-actions.ts';
import type { CommentScope } from './comment-actions.ts';
import type { Sort } from './comment-state.ts';
import { createCommentStore } from './comment-store.ts';
import { threadView } from './comment-thread.ts';
import type { SectionParts } from './comment-view.ts';
import { composer } from './composer.ts';
import { keyedList } from './keyed-list.ts';
import { pagerButtons } from './pager.ts';
import { t, tNodes } from '../i18n/index.ts';

export interface CommentOptions {
  /** Area type (CONTRACT.md §1): 1 for a video, whose `oid` is the aid. */
  type: number;
  oid: number;
  /** The area owner when the page already knows it (the uploader); the list answer confirms it. */
  ownerHint?: number;
  /** Set by the embed: styles the section as a standalone block. */
  embedded?: boolean;
  /** Open at this comment (rpid): its page of the list, the comment highlighted and scrolled to. */
  focus?: number;
}

/**
 * Mounts a comment section for (type, oid) into `host`; everything it does goes through the Bilibili API.
 * The section is its store plus parts that each follow a slice of it (web/README.md has the state flow).
 */
export function mountComments(host: HTMLElement, options: CommentOptions): void {
  const store = createCommentStore(options.ownerHint);
  const actions = new CommentActions(store, { type: options.type, oid: options.oid });
  const scope = actions.scope();
  const parts: SectionParts = { actions, host };
  const headingId = uid('rp-title');
  host.classList.add('rp-comments');
  if (options.embedded) host.dataset['embedded'] = '';
  host.dataset['type'] = String(options.type);
  host.dataset['oid'] = String(options.oid);
  host.setAttribute('aria-labelledby', headingId);

  const count = h('span', { class: 'rp-count' });
  scope.watch(
    (s) => s.count,
    (n) => (count.textContent = String(n)),
  );
  const status = h('p', { class: 'rp-error', role: 'alert' });
  scope.watch(
    (s) => s.error,
    (text) => (status.textContent = text),
  );
  let notice: HTMLElement | null = null;
  scope.watch(
    (s) => s.notice,
    (text) => {
      notice?.remove();
      notice = text ? h('p', { class: 'rp-notice', role: 'status' }, text) : null;
      if (notice) status.after(notice);
    },
  );

  replace(
    host,
    h(
      'div',
      { class: 'rp-head' },
      h('h2', { id: headingId }, t('comments.heading'), count),
      h(
        'div',
        { class: 'rp-sort', role: 'group', 'aria-label': t('comments.sortLabel') },
        sortButtons(scope, actions),
      ),
    ),
    composerBox(scope, actions),
    status,
    listView(scope, parts),
  );
  bringIntoView(scope, host);
  void actions.start(options.focus ?? 0);
}

/** Scrolls to the focused comment and moves focus to it, once, when it is first drawn. */
function bringIntoView(scope: CommentScope, host: HTMLElement): void {
  let done = 0;
  scope.watch(
    (s) => (s.phase === 'ready' ? s.focus : 0),
    (rpid) => {
      if (rpid === 0 || rpid === done) return;
      done = rpid;
      // After the list's own watchers have drawn the page.
      requestAnimationFrame(() => {
        const target = host.querySelector<HTMLElement>(`.rp-reply[data-rpid="${rpid}"]`);
        target?.scrollIntoView({ block: 'center' });
        target?.focus({ preventScroll: true });
      });
    },
  );
}

/** Two toggle buttons that re-sort the one list (hot first by default, as on Bilibili). */
function sortButtons(scope: CommentScope, actions: CommentActions): HTMLElement[] {
  return (['hot', 'time'] as const).map((sort: Sort) => {
    const button = h(
      'button',
      { type: 'button', class: 'button small ghost' },
      sort === 'hot' ? t('comments.hot') : t('comments.newest'),
    );
    button.addEventListener('click', () => actions.sort(sort));
    scope.watch(
      (s) => s.sort === sort,
      (on) => button.setAttribute('aria-pressed', String(on)),
    );
    return button;
  });
}

/** The section's own composer, or why there is none (closed area, signed out). */
function composerBox(scope: CommentScope, actions: CommentActions): HTMLElement {
  const box = h('div');
  let inner: CommentScope | null = null;
  scope.watch(
    (s) => [s.phase, s.readOnly, s.user !== null] as const,
    ([phase, readOnly, signedIn]) => {
      inner?.dispose();
      inner = null;
      if (phase !== 'ready') return replace(box);
      if (readOnly) return replace(box, h('p', { class: 'rp-notice' }, t('comments.closed')));
      if (!signedIn) {
        const goUrl = encodeURIComponent(location.pathname + location.search);
        const signIn = h('a', { href: `/login?go_url=${goUrl}` }, t('common.signIn'));
        return replace(box, h('p', { class: 'rp-notice' }, tNodes('comments.joinPrompt', { signIn })));
      }
      inner = scope.child();
      const placeholder = scope.state.placeholder || t('comments.placeholder');
      replace(box, composer(inner, actions, { label: t('comments.write'), placeholder }));
    },
  );
  return box;
}

/** The list of root threads and the pager under it. */
function listView(scope: CommentScope, parts: SectionParts): DocumentFragment {
  const list = h('ol', { class: 'rp-list', 'aria-label': t('comments.heading') });
  const pager = h('nav', { class: 'rp-pager', 'aria-label': t('comments.pages') });
  scope.watch(
    (s) => s.busy,
    (busy) => (busy ? list.setAttribute('aria-busy', 'true') : list.removeAttribute('aria-busy')),
  );
  const sync = keyedList<ReplyItem>(list, scope, (root, s) => threadView(s, parts, root));
  scope.watch(
    (s) => [s.phase, s.roots] as const,
    ([phase, roots]) => {
      if (phase === 'missing') sync([], h('li', { class: 'rp-empty' }, t('comments.noArea')));
      else if (phase === 'ready') sync(roots, h('li', { class: 'rp-empty' }, t('comments.empty')));
    },
  );
  scope.watch(
    (s) => [s.phase, s.pn, s.pages] as const,
    ([phase, pn, pages]) => {
      if (phase !== 'ready' || pages <= 1) return replace(pager);
      const go = (p: number) => void parts.actions.load(p).then(() => list.focus());
      replace(pager, pagerButtons(pn, pages, go));
      list.tabIndex = -1;
    },
  );
  const fragment = document.createDocumentFragment();
  fragment.append(list, pager);
  return fragment;
}
