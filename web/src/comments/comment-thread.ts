import type { ReplyItem } from 'replay/client';
import { h, replace } from '../dom.ts';
import type { CommentScope } from './comment-actions.ts';
import { commentView } from './comment-view.ts';
import type { SectionParts } from './comment-view.ts';
import { composer } from './composer.ts';
import { keyedList } from './keyed-list.ts';
import { pagerButtons } from './pager.ts';
import { t } from '../i18n/index.ts';

const NONE: readonly ReplyItem[] = [];

/**
 * A root comment with its replies: the list's preview, then (on request) pages of all replies, and the
 * reply box when one is open. Follows the store's `threads[root]`.
 */
export function threadView(scope: CommentScope, parts: SectionParts, root: ReplyItem): HTMLElement {
  const id = root.rpid;
  const name = root.member?.uname ?? t('comments.thisComment');
  const li = h('li', { class: 'rp-thread', 'data-rpid': id });
  const sub = h('div', { class: 'rp-sub' });
  const subList = h('ol', { class: 'rp-sub-list', 'aria-label': t('comments.repliesTo', { name }) });
  let box: { form: HTMLElement; scope: CommentScope } | null = null;

  const onReply = (target: ReplyItem) => {
    scope.dispatch({ type: 'reply-opened', root: id, target });
    box?.form.querySelector('textarea')?.focus();
  };
  const reply = (item: ReplyItem, s: CommentScope) =>
    h('li', { class: 'rp-item' }, commentView(s, parts, item, { onReply }));
  const syncReplies = keyedList(subList, scope, reply);
  scope.watch(
    (s) => s.threads[id]?.replies ?? NONE,
    (replies) => syncReplies(replies),
  );

  const preview = root.replies?.length ?? 0;
  const more =
    root.rcount > preview
      ? h(
          'button',
          { type: 'button', class: 'rp-more', 'aria-expanded': 'false' },
          preview > 0 ? t('comments.showAll', { n: root.rcount }) : t('comments.showN', { n: root.rcount }),
        )
      : null;
  more?.addEventListener('click', () => void parts.actions.loadReplies(id, 1));
  scope.watch(
    (s) => {
      const t = s.threads[id];
      return [t?.pn ?? 0, t?.pages ?? 1, (t?.replies.length ?? 0) > 0] as const;
    },
    ([pn, pages, any]) => {
      // The preview (with "show all") until a page of replies is asked for; then that page and a pager.
      const nav =
        pn > 0 && pages > 1
          ? h(
              'nav',
              { class: 'rp-pager', 'aria-label': t('comments.replyPages', { name }) },
              pagerButtons(pn, pages, (p) => void parts.actions.loadReplies(id, p)),
            )
          : null;
      replace(sub, any || pn > 0 ? subList : null, pn === 0 ? more : nav);
    },
  );

  scope.watch(
    (s) => s.threads[id]?.replyTo ?? null,
    (target) => {
      box?.scope.dispose();
      box?.form.remove();
      box = null;
      if (!target) return;
      const uname = target.member?.uname ?? '';
      const child = scope.child();
      const form = composer(child, parts.actions, {
        label: t('comments.replyTo', { name: uname }),
        placeholder: t('comments.replyToAt', { name: uname }),
        root: id,
        parent: target.rpid,
      });
      box = { form, scope: child };
      li.append(form);
      form.querySelector('textarea')?.focus();
    },
  );

  li.prepend(commentView(scope, parts, root, { pinned: scope.state.pinned === id, onReply }), sub);
  return li;
}
