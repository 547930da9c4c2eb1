import type { HistoryCursorItem } from 'replay/client';
import { bili, errorText, unwrap } from '../api.ts';
import type { statusLine } from '../dom.ts';
import { h } from '../dom.ts';
import { t, tn } from '../i18n/index.ts';

const PAGE_SIZE = 20;

/**
 * The history page's search box (`/x/web-interface/history/search`): results replace the list while a
 * keyword is active; clearing the box brings the list back as it was.
 */
export function historySearchBox(options: {
  /** The page's own list area (hidden while results show). */
  browse: HTMLElement[];
  status: ReturnType<typeof statusLine>;
  render(item: HistoryCursorItem): HTMLElement;
}): HTMLElement {
  const input = h('input', {
    type: 'search',
    name: 'keyword',
    maxlength: '100',
    placeholder: t('history.searchPlaceholder'),
    'aria-label': t('history.searchLabel'),
  });
  const submit = h('button', { type: 'submit', class: 'button secondary' }, t('common.search'));
  const results = h('ol', { class: 'history-list', 'aria-label': t('history.results'), hidden: true });
  const summary = h('p', { class: 'muted', role: 'status', hidden: true });
  const more = h(
    'button',
    { type: 'button', class: 'button secondary', hidden: true },
    t('history.moreResults'),
  );
  const form = h('form', { class: 'history-search', role: 'search' }, input, submit);
  let keyword = '';
  let pn = 1;
  let hiddenBefore: boolean[] = [];

  const show = (searching: boolean) => {
    if (searching && hiddenBefore.length === 0) {
      hiddenBefore = options.browse.map((el) => el.hidden === true);
      for (const el of options.browse) el.hidden = true;
    } else if (!searching && hiddenBefore.length > 0) {
      options.browse.forEach((el, i) => (el.hidden = hiddenBefore[i] ?? false));
      hiddenBefore = [];
    }
    results.hidden = !searching;
    summary.hidden = !searching;
    if (!searching) more.hidden = true;
  };

  const load = async () => {
    more.disabled = true;
    try {
      const data = unwrap(await bili().toview.searchHistory({ keyword, pn, ps: PAGE_SIZE }));
      for (const item of data.list) results.append(options.render(item));
      summary.textContent =
        data.page.total === 0
          ? t('history.noMatch', { q: keyword })
          : tn('history.matches', data.page.total, { q: keyword });
      more.hidden = !data.has_more;
    } catch (error) {
      options.status.set(errorText(error), 'error');
    } finally {
      more.disabled = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    keyword = input.value.trim();
    results.replaceChildren();
    pn = 1;
    show(keyword !== '');
    if (keyword !== '') void load();
  });
  input.addEventListener('search', () => {
    if (input.value === '') form.requestSubmit();
  });
  more.addEventListener('click', () => {
    pn++;
    void load();
  });
  return h(
    'div',
    { class: 'history-search-box' },
    form,
    summary,
    results,
    h('div', { class: 'actions' }, more),
  );
}
