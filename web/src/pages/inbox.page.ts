import type { FeedCursorParams, MsgCursor, MsgLikeItem, MsgReplyDetail, MsgUser } from 'replay/client';
import { bili, check, errorText, me, unwrap } from '../api.ts';
import { avatar, h, relativeTime, replace, statusLine, uid } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { mailSettingsSection } from './inbox-settings.ts';
import { tabs } from '../tabs.ts';
import { refreshUnread } from '../unread-badge.ts';
import { queryParam } from '../urls.ts';
import { t, tn, tNodes } from '../i18n/index.ts';

type FeedKey = 'reply' | 'at' | 'like';
type Status = ReturnType<typeof statusLine>;

/** One page of a feed, in the shape every tab renders. */
interface FeedPage<T> {
  items: T[];
  cursor: MsgCursor;
  /** The feed's previous last view: items newer than it are new to the reader. */
  lastViewAt: number;
}

interface Feed<T> {
  key: FeedKey;
  label: 'inbox.replies' | 'inbox.mentions' | 'inbox.likes';
  /** The list's accessible name. */
  listLabel: 'inbox.repliesList' | 'inbox.mentionsList' | 'inbox.likesList';
  empty: 'inbox.repliesEmpty' | 'inbox.mentionsEmpty' | 'inbox.likesEmpty';
  fetch(cursor?: FeedCursorParams): Promise<FeedPage<T>>;
  render(item: T, lastViewAt: number, status: Status): HTMLElement;
}

/** A reply or @ notice, as both feeds carry it. */
interface Notice {
  id: number;
  user: MsgUser;
  item: MsgReplyDetail;
  time: number;
}

const FEEDS: readonly [Feed<Notice>, Feed<Notice>, Feed<MsgLikeItem>] = [
  {
    key: 'reply',
    label: 'inbox.replies',
    listLabel: 'inbox.repliesList',
    empty: 'inbox.repliesEmpty',
    async fetch(cursor) {
      const data = unwrap(await bili().msgfeed.reply(cursor));
      const items = data.items.map((n) => ({ id: n.id, user: n.user, item: n.item, time: n.reply_time }));
      return { items, cursor: data.cursor, lastViewAt: data.last_view_at };
    },
    render: (notice, lastViewAt, status) => noticeView(notice, 'reply', lastViewAt, status),
  },
  {
    key: 'at',
    label: 'inbox.mentions',
    listLabel: 'inbox.mentionsList',
    empty: 'inbox.mentionsEmpty',
    async fetch(cursor) {
      const data = unwrap(await bili().msgfeed.at(cursor));
      const items = data.items.map((n) => ({ id: n.id, user: n.user, item: n.item, time: n.at_time }));
      return { items, cursor: data.cursor, lastViewAt: data.last_view_at };
    },
    render: (notice, lastViewAt, status) => noticeView(notice, 'at', lastViewAt, status),
  },
  {
    key: 'like',
    label: 'inbox.likes',
    listLabel: 'inbox.likesList',
    empty: 'inbox.likesEmpty',
    async fetch(cursor) {
      const data = unwrap(await bili().msgfeed.like(cursor));
      return { items: data.total.items, cursor: data.total.cursor, lastViewAt: data.latest.last_view_at };
    },
    render: (card, lastViewAt, status) => likeView(card, lastViewAt, status),
  },
];

/**
 * The message center for the signed-in user (CONTRACT.md §15): replies, @ mentions and likes as tabs,
 * each a cursor list with "Load more". Opening a tab reads its first page, which is what marks that feed
 * read on the server; the top bar's badge is asked again right after.
 */
export async function renderInboxPage(main: HTMLElement): Promise<void> {
  setTitle(t('layout.inbox'));
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, t('layout.inbox')),
      h(
        'p',
        null,
        `${t('inbox.signInPrompt')} `,
        h('a', { href: '/login?go_url=%2Finbox' }, t('common.signIn')),
      ),
    );
    return;
  }

  const status = statusLine();
  const panels = FEEDS.map((feed) => feedPanel(feed as Feed<unknown>, status));
  const byKey = new Map<string, (typeof panels)[number]>(FEEDS.map((feed, i) => [feed.key, panels[i]!]));
  const asked = queryParam('tab');
  const initial = asked !== null && byKey.has(asked) ? asked : await firstUnreadFeed();
  const feedTabs = tabs(
    t('inbox.notices'),
    FEEDS.map((feed, i) => ({ key: feed.key, label: t(feed.label), panel: panels[i]!.panel })),
    (key) => {
      history.replaceState(null, '', `?tab=${key}`);
      void byKey.get(key)?.open();
    },
    initial,
  );
  replace(
    main,
    h('h1', null, t('layout.inbox')),
    status.el,
    feedTabs.list,
    feedTabs.panels,
    mailSettingsSection(),
  );
  await byKey.get(initial)?.open();
}

/** The tab to open first: the first feed with something unread, else replies. */
async function firstUnreadFeed(): Promise<FeedKey> {
  try {
    const unread = unwrap(await bili().msgfeed.unread());
    if (unread.reply > 0) return 'reply';
    if (unread.at > 0) return 'at';
    if (unread.like > 0) return 'like';
  } catch {
    // The feed itself says what went wrong when it is read.
  }
  return 'reply';
}

/** One tab's panel: the list, its empty note and "Load more"; read on first open. */
function feedPanel<T>(feed: Feed<T>, status: Status): { panel: HTMLElement; open(): Promise<void> } {
  const list = h('ol', { class: 'notice-list', 'aria-label': t(feed.listLabel) });
  const empty = h('p', { class: 'empty', hidden: true }, t(feed.empty));
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('common.loadMore'));
  const panel = h('div', { class: 'inbox-panel' }, list, empty, h('div', { class: 'actions' }, more));
  let cursor: MsgCursor | null = null;
  let lastViewAt = 0;
  let opened: Promise<void> | null = null;

  const load = async () => {
    more.disabled = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const page = await feed.fetch(cursor ? { id: cursor.id, time: cursor.time } : undefined);
      if (!cursor) {
        lastViewAt = page.lastViewAt;
        // The first page moved this feed's last view on the server: the badge drops what was just read.
        void refreshUnread();
      }
      const first = list.childElementCount;
      for (const item of page.items) list.append(feed.render(item, lastViewAt, status));
      cursor = page.cursor;
      more.hidden = page.cursor.is_end;
      empty.hidden = list.childElementCount > 0;
      // After "Load more", focus goes to the first new notice, so keyboard users carry on from there.
      if (first > 0) list.children[first]?.querySelector<HTMLElement>('a, button')?.focus();
    } catch (error) {
      status.set(errorText(error), 'error');
      // A first page that failed is read again when the tab is next opened.
      if (!cursor) opened = null;
    } finally {
      more.disabled = false;
      list.removeAttribute('aria-busy');
    }
  };
  more.addEventListener('click', () => void load());
  return {
    panel,
    open: () => (opened ??= load()),
  };
}

/**
 * The watch page at the comment, from a notice's `uri` (`…/video/<bvid>#reply<rpid>`). Only the path and
 * hash are kept, so the link stays on this site whatever host the server's public URL names.
 */
export function contextLink(uri: string): string | null {
  try {
    const url = new URL(uri, location.origin);
    return /^\/video\/[A-Za-z0-9]+$/.test(url.pathname) && /^#reply\d+$/.test(url.hash)
      ? url.pathname + url.hash
      : null;
  } catch {
    return null;
  }
}

function timeView(unix: number): HTMLElement {
  const when = new Date(unix * 1000);
  return h('time', { datetime: when.toISOString(), title: when.toLocaleString() }, relativeTime(unix));
}

function newBadge(isNew: boolean): HTMLElement | null {
  return isNew ? h('span', { class: 'badge new' }, t('inbox.new')) : null;
}

function whatHappened(kind: 'reply' | 'at', item: MsgReplyDetail): string {
  if (kind === 'at') return t('inbox.mentioned');
  if (item.target_id !== 0) return t('inbox.repliedComment');
  return item.business_id === 1 ? t('inbox.commentedVideo') : t('inbox.commentedPage');
}

/** A reply or @ notice: who, what they wrote (as text), what it answered, and Open / Reply / Like. */
function noticeView(notice: Notice, kind: 'reply' | 'at', lastViewAt: number, status: Status): HTMLElement {
  const { user, item } = notice;
  const name = user.nickname || `mid ${user.mid}`;
  const link = contextLink(item.uri);
  const area = { type: item.business_id, oid: item.subject_id };
  const headingId = uid('notice');

  const actions = h('div', { class: 'notice-actions' });
  if (link) actions.append(h('a', { class: 'button secondary small', href: link }, t('inbox.open')));
  const form = item.hide_reply_button ? null : replyForm(notice, name, status);
  if (form) actions.append(form.toggle);
  if (!item.hide_like_button) actions.append(likeButton(area, item.source_id, name, item.like_state === 1));

  return h(
    'li',
    {
      class: 'notice',
      'data-id': notice.id,
      'data-rpid': item.source_id,
      'data-new': notice.time > lastViewAt ? '' : undefined,
    },
    h(
      'article',
      { class: 'notice-card', 'aria-labelledby': headingId },
      avatar(user.avatar, name, 40),
      h(
        'div',
        { class: 'notice-body' },
        h(
          'p',
          { class: 'notice-head', id: headingId },
          h('strong', null, name),
          ` ${whatHappened(kind, item)} `,
          newBadge(notice.time > lastViewAt),
        ),
        h('p', { class: 'notice-message' }, item.source_content),
        item.target_reply_content
          ? h(
              'blockquote',
              { class: 'notice-quote', 'aria-label': t('inbox.yourComment') },
              item.target_reply_content,
            )
          : null,
        h(
          'p',
          { class: 'notice-meta' },
          timeView(notice.time),
          item.title
            ? tNodes('inbox.onTitle', { title: link ? h('a', { href: link }, item.title) : item.title })
            : null,
        ),
        actions,
        form?.form,
      ),
    ),
  );
}

/** Like / unlike the comment a notice is about (`/x/v2/reply/action`). */
function likeButton(
  area: { type: number; oid: number },
  rpid: number,
  name: string,
  liked: boolean,
): HTMLElement {
  let on = liked;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'button ghost small notice-like',
      'aria-label': t('inbox.likeLabel', { name }),
    },
    t('inbox.like'),
  );
  const render = () => button.setAttribute('aria-pressed', String(on));
  const error = h('span', { class: 'notice-error', role: 'alert' });
  button.addEventListener('click', () => {
    button.disabled = true;
    error.textContent = '';
    bili()
      .reply.like({ ...area, rpid, action: on ? 0 : 1 })
      .then((body) => {
        check(body);
        on = !on;
        render();
      })
      .catch((e: unknown) => (error.textContent = errorText(e)))
      .finally(() => (button.disabled = false));
  });
  render();
  return h('span', { class: 'notice-like-box' }, button, error);
}

/** The inline answer to a notice: posts `/x/v2/reply/add` under the notice's comment, in its thread. */
function replyForm(notice: Notice, name: string, status: Status): { toggle: HTMLElement; form: HTMLElement } {
  const { item } = notice;
  const formId = uid('notice-reply');
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button ghost small',
      'aria-expanded': 'false',
      'aria-controls': formId,
      'aria-label': t('comments.replyTo', { name }),
    },
    t('comments.reply'),
  );
  const textId = uid('notice-text');
  const text = h('textarea', { id: textId, rows: 3, maxlength: 1000, required: true });
  const error = h('p', { class: 'notice-error', role: 'alert' });
  const post = h('button', { type: 'submit', class: 'button primary small' }, t('inbox.postReply'));
  const cancel = h('button', { type: 'button', class: 'button secondary small' }, t('common.cancel'));
  const form = h(
    'form',
    { class: 'notice-reply', id: formId, hidden: true },
    h('label', { for: textId }, t('inbox.yourReplyTo', { name })),
    text,
    error,
    h('div', { class: 'actions' }, cancel, post),
  );
  const show = (open: boolean) => {
    form.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (open) text.focus();
    else toggle.focus();
  };
  toggle.addEventListener('click', () => show(toggle.getAttribute('aria-expanded') !== 'true'));
  cancel.addEventListener('click', () => show(false));
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') show(false);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = text.value.trim();
    if (!message) return;
    post.disabled = true;
    error.textContent = '';
    bili()
      .reply.add({
        type: item.business_id,
        oid: item.subject_id,
        root: item.root_id || item.source_id,
        parent: item.source_id,
        message,
        plat: 1,
      })
      .then((body) => {
        unwrap(body);
        text.value = '';
        show(false);
        status.set(t('inbox.replyPosted', { name }), 'ok');
      })
      .catch((e: unknown) => (error.textContent = errorText(e)))
      .finally(() => (post.disabled = false));
  });
  return { toggle, form };
}

/** "alice, bob and 3 others" from a card's latest likers and its count. */
export function likersText(users: readonly MsgUser[], count: number): string {
  const names = users.slice(0, 2).map((u) => u.nickname || `mid ${u.mid}`);
  const others = Math.max(0, count - names.length);
  if (names.length === 0) return count === 1 ? t('inbox.someone') : t('inbox.people', { n: count });
  if (others === 0)
    return names.length === 2 ? t('inbox.two', { a: names[0]!, b: names[1]! }) : (names[0] ?? '');
  return tn('inbox.others', others, { names: names.join(t('inbox.nameSeparator')) });
}

/** A like card: who liked which of your comments, with Open and Mute. */
function likeView(card: MsgLikeItem, lastViewAt: number, status: Status): HTMLElement {
  const link = contextLink(card.item.uri);
  const first = card.users[0];
  const headingId = uid('notice');
  const who = likersText(card.users, card.counts);
  const isNew = card.like_time > lastViewAt && card.notice_state === 0;

  let muted = card.notice_state === 1;
  const mute = h(
    'button',
    { type: 'button', class: 'button ghost small', 'aria-label': t('inbox.muteLabel') },
    t('inbox.mute'),
  );
  const renderMute = () => mute.setAttribute('aria-pressed', String(muted));
  mute.addEventListener('click', () => {
    mute.disabled = true;
    bili()
      .msgfeed.notice(card.id, muted ? 0 : 1)
      .then((body) => {
        check(body);
        muted = !muted;
        renderMute();
      })
      .catch((e: unknown) => status.set(errorText(e), 'error'))
      .finally(() => (mute.disabled = false));
  });
  renderMute();

  return h(
    'li',
    {
      class: 'notice',
      'data-id': card.id,
      'data-rpid': card.item.item_id,
      'data-new': isNew ? '' : undefined,
    },
    h(
      'article',
      { class: 'notice-card', 'aria-labelledby': headingId },
      avatar(first?.avatar, first?.nickname ?? '?', 40),
      h(
        'div',
        { class: 'notice-body' },
        h(
          'p',
          { class: 'notice-head', id: headingId },
          h('strong', null, who),
          ` ${card.counts === 1 ? t('inbox.likedOne') : t('inbox.likedMany')} `,
          newBadge(isNew),
        ),
        h('blockquote', { class: 'notice-quote', 'aria-label': t('inbox.yourComment') }, card.item.title),
        h('p', { class: 'notice-meta' }, timeView(card.like_time)),
        h(
          'div',
          { class: 'notice-actions' },
          link ? h('a', { class: 'button secondary small', href: link }, t('inbox.open')) : null,
          mute,
        ),
      ),
    ),
  );
}
