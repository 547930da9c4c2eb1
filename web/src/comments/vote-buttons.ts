import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { CommentActions, CommentScope } from './comment-actions.ts';

const ICONS = {
  like: 'M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z',
  hate: 'M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z',
} as const;

function icon(name: keyof typeof ICONS): SVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'rp-icon');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Like (with its count) and dislike of one comment, drawn from the store's vote for it. */
export function voteButtons(scope: CommentScope, actions: CommentActions, rpid: number): HTMLElement[] {
  const like = h('button', { type: 'button', class: 'rp-like' });
  const hate = h('button', { type: 'button', class: 'rp-hate' });
  like.addEventListener('click', () => actions.vote(rpid, 'like'));
  hate.addEventListener('click', () => actions.vote(rpid, 'hate'));
  hate.append(icon('hate'));
  hate.setAttribute('aria-label', t('comments.dislike'));
  scope.watch(
    (s) => s.votes[rpid],
    (vote) => {
      if (!vote) return;
      like.replaceChildren(icon('like'), h('span', null, String(vote.like)));
      like.setAttribute('aria-pressed', String(vote.action === 1));
      // The visible count is part of the name, not in brackets (which the label-in-name check drops).
      like.setAttribute('aria-label', t('comments.like', { n: vote.like }));
      hate.setAttribute('aria-pressed', String(vote.action === 2));
      like.disabled = hate.disabled = vote.busy;
    },
  );
  return [like, hate];
}
