import type { ToviewWebItem } from '../../../src/client/toview-api.ts';
import { bili, check, errorText, me, unwrap } from '../api.ts';
import { formatDuration, formatTime, h, localUrl, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';

/**
 * The watch page's "Watch later" toggle (`/x/v2/history/toview/add` and `/del`, CONTRACT.md §17). It reads
 * the list once to know its state; a full list (90001) is said in words.
 */
export function watchLaterButton(aid: number): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'button secondary watch-later', 'aria-pressed': 'false', disabled: true },
    'Watch later',
  );
  const note = h('p', { class: 'muted', role: 'status' });
  let listed = false;
  const render = () => {
    button.textContent = listed ? 'In watch later ✓' : 'Watch later';
    button.setAttribute('aria-pressed', String(listed));
  };
  bili()
    .toview.list()
    .then((body) => {
      listed = unwrap(body).list.some((i) => i.aid === aid);
      render();
    })
    .catch(() => undefined)
    .finally(() => (button.disabled = false));
  button.addEventListener('click', () => {
    button.disabled = true;
    note.textContent = '';
    const call = listed ? bili().toview.del({ aid }) : bili().toview.add({ aid });
    call
      .then((body) => {
        if (body.code === 90001) {
          note.textContent = 'Your watch-later list is full (100 videos). Remove some first.';
          return;
        }
        check(body);
        listed = !listed;
        render();
        note.textContent = listed ? 'Added to watch later.' : 'Removed from watch later.';
      })
      .catch((error: unknown) => (note.textContent = errorText(error)))
      .finally(() => (button.disabled = false));
  });
  return h(
    'div',
    { class: 'card watch-later-card' },
    button,
    note,
    h('a', { href: '/watchlater' }, 'My watch-later list'),
  );
}

/** `/watchlater`: the list, newest first, with progress from the history, remove one, clear watched. */
export async function renderWatchLaterPage(main: HTMLElement): Promise<void> {
  setTitle('Watch later');
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, 'Watch later'),
      h('p', null, h('a', { href: '/login?go_url=%2Fwatchlater' }, 'Sign in'), ' to keep videos for later.'),
    );
    return;
  }
  const status = statusLine();
  const list = h('ol', { class: 'history-list', 'aria-label': 'Watch later, newest first' });
  const empty = h('p', { class: 'empty', hidden: true }, 'Nothing here. Use “Watch later” on a video page.');
  const clearWatched = h('button', { type: 'button', class: 'button secondary' }, 'Remove watched');
  replace(
    main,
    h('div', { class: 'toolbar' }, h('h1', null, 'Watch later'), clearWatched),
    status.el,
    list,
    empty,
  );

  const load = async () => {
    try {
      const data = unwrap(await bili().toview.web({ ps: 100 }));
      list.replaceChildren(
        ...data.list.map((item) => entry(item, status, () => (empty.hidden = list.childElementCount > 0))),
      );
      empty.hidden = data.list.length > 0;
    } catch (error) {
      status.set(errorText(error), 'error');
    }
  };
  clearWatched.addEventListener('click', () => {
    clearWatched.disabled = true;
    bili()
      .toview.clear(2)
      .then(async (body) => {
        check(body);
        status.set('Removed the videos you finished.', 'ok');
        await load();
      })
      .catch((error: unknown) => status.set(errorText(error), 'error'))
      .finally(() => (clearWatched.disabled = false));
  });
  await load();
}

function entry(item: ToviewWebItem, status: ReturnType<typeof statusLine>, changed: () => void): HTMLElement {
  const href = `/video/${item.bvid}${item.page.page > 1 ? `?p=${item.page.page}` : ''}`;
  const cover = localUrl(item.pic);
  const progress =
    item.progress === -1
      ? 'Watched to the end'
      : item.progress > 0
        ? `Watched to ${formatDuration(item.progress)} of ${formatDuration(item.page.duration)}`
        : 'Not started';
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      'aria-label': `Remove “${item.title}” from watch later`,
    },
    'Remove',
  );
  const li = h(
    'li',
    { class: 'card history-item', 'data-aid': item.aid },
    h(
      'a',
      { class: 'cover', href, tabindex: '-1', 'aria-hidden': 'true' },
      cover ? h('img', { src: cover, alt: '', loading: 'lazy' }) : null,
      h('span', { class: 'duration' }, formatDuration(item.duration)),
    ),
    h(
      'div',
      null,
      h('h2', null, h('a', { href }, item.title || item.bvid)),
      h('p', { class: 'part' }, progress),
      h(
        'p',
        { class: 'part' },
        item.owner.name ? `${item.owner.name} · added ` : 'added ',
        h('time', { datetime: new Date(item.add_at * 1000).toISOString() }, formatTime(item.add_at)),
      ),
    ),
    remove,
  );
  remove.addEventListener('click', () => {
    remove.disabled = true;
    bili()
      .toview.dels([item.aid])
      .then((body) => {
        check(body);
        li.remove();
        changed();
        status.set(`Removed “${item.title}”.`, 'ok');
      })
      .catch((error: unknown) => {
        remove.disabled = false;
        status.set(errorText(error), 'error');
      });
  });
  return li;
}
