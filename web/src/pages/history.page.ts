import type { HistoryCursor, HistoryCursorItem } from 'replay/client';
import { bili, check, errorText, me, unwrap } from '../api.ts';
import { confirmDialog, formatDuration, formatTime, h, localUrl, replace, statusLine } from '../dom.ts';
import { setTitle } from '../layout.ts';
import { historySearchBox } from './history-search.ts';
import { watchTotalsLine } from './watch-totals.ts';
import { t, tNodes } from '../i18n/index.ts';

const PAGE_SIZE = 20;

/** The history page (CONTRACT.md §7): the cursor list, delete one, clear all, pause/resume recording. */
export async function renderHistoryPage(main: HTMLElement): Promise<void> {
  setTitle(t('history.title'));
  const user = await me();
  if (!user) {
    replace(
      main,
      h('h1', null, t('history.title')),
      h(
        'p',
        null,
        `${t('history.signInPrompt')} `,
        h('a', { href: '/login?go_url=%2Fhistory' }, t('common.signIn')),
      ),
    );
    return;
  }

  const status = statusLine();
  const list = h('ol', { class: 'history-list', 'aria-label': t('history.listLabel') });
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('common.loadMore'));
  const empty = h('p', { class: 'empty', hidden: true }, t('history.empty'));
  const pauseButton = h('button', { type: 'button', class: 'button secondary', 'aria-pressed': 'false' });
  const clearButton = h('button', { type: 'button', class: 'button danger' }, t('history.clearAll'));
  const pausedNote = h('p', { class: 'paused-note', hidden: true }, t('history.pausedNote'));

  const moreRow = h('div', { class: 'actions' }, more);
  replace(
    main,
    h('div', { class: 'toolbar' }, h('h1', null, t('history.title')), pauseButton, clearButton),
    h('p', null, h('a', { href: '/watchlater' }, t('toview.title'))),
    watchTotalsLine(),
    pausedNote,
    historySearchBox({ browse: [list, empty, moreRow], status, render: (item) => historyItem(item, status) }),
    status.el,
    list,
    empty,
    moreRow,
  );

  let paused = false;
  const renderPaused = () => {
    pauseButton.textContent = paused ? t('history.resume') : t('history.pause');
    pauseButton.setAttribute('aria-pressed', String(paused));
    pausedNote.hidden = !paused;
  };
  try {
    paused = unwrap(await bili().history.shadow());
  } catch (error) {
    status.set(errorText(error), 'error');
  }
  renderPaused();

  pauseButton.addEventListener('click', () => {
    pauseButton.disabled = true;
    bili()
      .history.setShadow(!paused)
      .then((body) => {
        check(body);
        paused = !paused;
        renderPaused();
        status.set(paused ? t('history.paused') : t('history.resumed'), 'ok');
      })
      .catch((error: unknown) => status.set(errorText(error), 'error'))
      .finally(() => (pauseButton.disabled = false));
  });

  clearButton.addEventListener('click', () => {
    void confirmDialog(t('history.clearTitle'), t('history.clearText'), t('history.clearAll')).then(
      async (yes) => {
        if (!yes) return;
        try {
          check(await bili().history.clear());
          list.replaceChildren();
          more.hidden = true;
          empty.hidden = false;
          status.set(t('history.cleared'), 'ok');
        } catch (error) {
          status.set(errorText(error), 'error');
        }
      },
    );
  });

  let cursor: HistoryCursor | null = null;
  const load = async () => {
    more.disabled = true;
    try {
      const params = cursor
        ? { max: cursor.max, view_at: cursor.view_at, business: cursor.business, ps: PAGE_SIZE }
        : { ps: PAGE_SIZE };
      const data = unwrap(await bili().history.cursor(params));
      for (const item of data.list) list.append(historyItem(item, status));
      cursor = data.cursor;
      more.hidden = data.list.length < PAGE_SIZE;
      empty.hidden = list.childElementCount > 0;
    } catch (error) {
      status.set(errorText(error), 'error');
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void load());
  await load();
}

function watchLink(item: HistoryCursorItem): string {
  // A season's entry opens its page, which offers to continue the last episode.
  if (item.history.business === 'pgc') return `/bangumi/play/ss${item.kid}`;
  const bvid = item.history.bvid;
  const page = item.history.page > 1 ? `?p=${item.history.page}` : '';
  return bvid ? `/video/${bvid}${page}` : item.uri || '#';
}

/** "watched to the end" for -1, else the position against the part's length. */
export function progressView(item: Pick<HistoryCursorItem, 'progress' | 'duration'>): HTMLElement {
  const finished = item.progress === -1;
  const value = finished ? item.duration : Math.min(item.progress, item.duration);
  const label = finished
    ? t('progress.end')
    : t('progress.to', { at: formatDuration(item.progress), of: formatDuration(item.duration) });
  return h(
    'div',
    { class: finished ? 'progress finished' : 'progress' },
    h('progress', { max: Math.max(1, item.duration), value: Math.max(0, value), 'aria-label': label }),
    h('span', null, label),
  );
}

function historyItem(item: HistoryCursorItem, status: ReturnType<typeof statusLine>): HTMLElement {
  const title = item.title || item.history.bvid || `av${item.kid}`;
  const cover = localUrl(item.cover);
  const note = statusLine();
  const remove = h(
    'button',
    { type: 'button', class: 'button secondary small', 'aria-label': t('history.removeLabel', { title }) },
    t('common.remove'),
  );
  const li = h(
    'li',
    { class: 'card history-item', 'data-kid': `${item.history.business}_${item.kid}` },
    h(
      'a',
      { class: 'cover', href: watchLink(item), tabindex: '-1', 'aria-hidden': 'true' },
      cover ? h('img', { src: cover, alt: '', loading: 'lazy' }) : null,
      item.duration > 0 ? h('span', { class: 'duration' }, formatDuration(item.duration)) : null,
    ),
    h(
      'div',
      null,
      h(
        'h2',
        null,
        h('a', { href: watchLink(item) }, title),
        item.badge ? [' ', h('span', { class: 'badge' }, item.badge)] : null,
      ),
      item.history.business === 'pgc'
        ? h('p', { class: 'part' }, item.show_title)
        : item.videos > 1 || item.show_title
          ? h('p', { class: 'part' }, `P${item.history.page} ${item.history.part || item.show_title}`)
          : null,
      progressView(item),
      h(
        'p',
        { class: 'part' },
        item.author_name ? `${item.author_name} · ` : '',
        h('time', { datetime: new Date(item.view_at * 1000).toISOString() }, formatTime(item.view_at)),
      ),
    ),
    // A refusal shows beside the button pressed; a removal (the entry gone) in the list's status line.
    h('div', { class: 'item-action' }, remove, note.el),
  );
  remove.addEventListener('click', () => {
    remove.disabled = true;
    note.set('');
    bili()
      .history.delete(`${item.history.business}_${item.kid}`)
      .then((body) => {
        check(body);
        const next = (li.nextElementSibling ?? li.previousElementSibling)?.querySelector<HTMLElement>('h2 a');
        li.remove();
        status.set(t('common.removedTitle', { title }), 'ok');
        next?.focus();
      })
      .catch((error: unknown) => {
        remove.disabled = false;
        note.set(errorText(error), 'error');
      });
  });
  return li;
}

/** The home page's "Continue watching": the latest few entries, when signed in. */
export async function continueWatching(section: HTMLElement): Promise<void> {
  const title = h('h2', { id: 'continue-title' }, t('history.continue'));
  const user = await me();
  if (!user) {
    replace(
      section,
      title,
      h(
        'p',
        null,
        tNodes('history.continuePrompt', { signIn: h('a', { href: '/login' }, t('common.signIn')) }),
      ),
    );
    return;
  }
  try {
    const data = unwrap(await bili().history.cursor({ ps: 5 }));
    if (data.list.length === 0) {
      replace(section, title, h('p', { class: 'muted' }, t('history.nothingYet')));
      return;
    }
    replace(
      section,
      title,
      h(
        'ul',
        { class: 'link-list' },
        data.list.map((item) =>
          h(
            'li',
            null,
            h('a', { href: watchLink(item) }, item.title || item.history.bvid),
            progressView(item),
          ),
        ),
      ),
      h('p', null, h('a', { href: '/history' }, t('history.all'))),
    );
  } catch (error) {
    replace(section, title, h('p', { class: 'error-text' }, errorText(error)));
  }
}
