import type { ToviewWebItem } from 'replay/client';
import { bili, check, errorText, me, unwrap } from '../api.ts';
import { formatDuration, formatTime, h, localUrl, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { t, tNodes } from '../i18n/index.ts';

/**
 * The watch page's "Watch later" toggle (`/x/v2/history/toview/add` and `/del`, CONTRACT.md §17). It reads
 * the list once to know its state; a full list (90001) is said in words.
 */
export function watchLaterButton(aid: number): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'button secondary watch-later', 'aria-pressed': 'false', disabled: true },
    t('toview.title'),
  );
  const note = h('p', { class: 'muted', role: 'status' });
  let listed = false;
  const render = () => {
    button.textContent = listed ? t('toview.in') : t('toview.title');
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
          note.textContent = t('toview.full');
          return;
        }
        check(body);
        listed = !listed;
        render();
        note.textContent = listed ? t('toview.added') : t('toview.removed');
      })
      .catch((error: unknown) => (note.textContent = errorText(error)))
      .finally(() => (button.disabled = false));
  });
  return h(
    'div',
    { class: 'card watch-later-card' },
    button,
    note,
    h('a', { href: '/watchlater' }, t('toview.myList')),
  );
}

/** `/watchlater`: the list, newest first, with progress from the history, remove one, clear watched. */
export async function renderWatchLaterPage(main: HTMLElement): Promise<void> {
  setTitle(t('toview.title'));
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, t('toview.title')),
      h(
        'p',
        null,
        tNodes('toview.signInPrompt', {
          signIn: h('a', { href: '/login?go_url=%2Fwatchlater' }, t('common.signIn')),
        }),
      ),
    );
    return;
  }
  const status = statusLine();
  const list = h('ol', { class: 'history-list', 'aria-label': t('toview.listLabel') });
  const empty = h('p', { class: 'empty', hidden: true }, t('toview.empty'));
  const clearWatched = h('button', { type: 'button', class: 'button secondary' }, t('toview.removeWatched'));
  replace(
    main,
    h('div', { class: 'toolbar' }, h('h1', null, t('toview.title')), clearWatched),
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
        status.set(t('toview.removedWatched'), 'ok');
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
  const note = statusLine();
  const progress =
    item.progress === -1
      ? t('progress.end')
      : item.progress > 0
        ? t('progress.to', { at: formatDuration(item.progress), of: formatDuration(item.page.duration) })
        : t('toview.notStarted');
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'button secondary small',
      'aria-label': t('toview.removeLabel', { title: item.title }),
    },
    t('common.remove'),
  );
  const added = h('time', { datetime: new Date(item.add_at * 1000).toISOString() }, formatTime(item.add_at));
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
        item.owner.name
          ? tNodes('toview.addedBy', { owner: item.owner.name, time: added })
          : tNodes('toview.addedAt', { time: added }),
      ),
    ),
    // A refusal shows beside the button pressed; a removal (the entry gone) in the list's status line.
    h('div', { class: 'item-action' }, remove, note.el),
  );
  remove.addEventListener('click', () => {
    remove.disabled = true;
    note.set('');
    bili()
      .toview.dels([item.aid])
      .then((body) => {
        check(body);
        li.remove();
        changed();
        status.set(t('common.removedTitle', { title: item.title }), 'ok');
      })
      .catch((error: unknown) => {
        remove.disabled = false;
        note.set(errorText(error), 'error');
      });
  });
  return li;
}
