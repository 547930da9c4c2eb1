import type { MsgUnreadData } from 'replay/client';
import { ApiError, bili, unwrap } from './api.ts';
import { h } from './dom.ts';
import { t } from './i18n/index.ts';

/** How often an open, visible page asks for the unread counts (Bilibili's web client polls about as often). */
const POLL_MS = 60_000;

/** What the badge counts: unread replies, @ mentions and like cards (Replay has no chat or system messages). */
export function unreadTotal(data: Pick<MsgUnreadData, 'reply' | 'at' | 'like'>): number {
  return data.reply + data.at + data.like;
}

const listeners = new Set<(data: MsgUnreadData) => void>();
let polling = false;
let stopped = false;

/** Asks the server for the unread counts now and tells every badge and listener on the page. */
export async function refreshUnread(): Promise<void> {
  if (stopped) return;
  try {
    const data = unwrap(await bili().msgfeed.unread());
    for (const listener of listeners) listener(data);
  } catch (error) {
    // Signed out meanwhile (another tab): nothing to poll for until the page is loaded again.
    if (error instanceof ApiError && error.code === -101) stopped = true;
    // Anything else (a network blip) keeps the last figure; the next poll tries again.
  }
}

/** Calls `listener` with every answer of /x/msgfeed/unread this page gets. */
export function onUnread(listener: (data: MsgUnreadData) => void): void {
  listeners.add(listener);
}

/** Polls once now, then every POLL_MS while the tab is visible, and at once when it becomes visible again. */
function startPolling(): void {
  if (polling) return;
  polling = true;
  void refreshUnread();
  setInterval(() => {
    if (document.visibilityState === 'visible') void refreshUnread();
  }, POLL_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void refreshUnread();
  });
}

/**
 * The top bar's link to the inbox with the unread count. The count is part of the link's name, so screen
 * readers hear "Inbox, 2 unread"; the visible number is decoration.
 */
export function inboxLink(current: boolean): HTMLElement {
  const badge = h('span', { class: 'unread-badge', 'aria-hidden': 'true', hidden: true });
  const link = h(
    'a',
    { class: 'inbox-link', href: '/inbox', 'aria-current': current ? 'page' : undefined },
    t('layout.inbox'),
    // Keeps the word and the number two words for the label-in-name check (WCAG 2.5.3); the flex gap,
    // not this space, separates them on screen.
    ' ',
    badge,
  );
  onUnread((data) => {
    const total = unreadTotal(data);
    badge.textContent = total > 99 ? '99+' : String(total);
    badge.hidden = total === 0;
    if (total > 0) link.setAttribute('aria-label', t('layout.inboxUnread', { n: total }));
    else link.removeAttribute('aria-label');
  });
  startPolling();
  return link;
}
