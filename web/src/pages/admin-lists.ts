import type { AdminListPage, AdminMember } from 'replay/client';
import { adminErrorText } from '../api.ts';
import { avatar, h, statusLine } from '../dom.ts';
import { t } from '../i18n/index.ts';

/** A name with its avatar (same-origin images only; else the initial on a disc). */
export function who(member: AdminMember): HTMLElement {
  const name = member.uname || t('admin.deletedUser', { mid: member.mid });
  return h(
    'span',
    { class: 'who', 'data-mid': member.mid },
    avatar(member.face, name, 24),
    h('span', { class: 'who-name' }, name),
    h('span', { class: 'muted' }, ` · mid ${member.mid}`),
  );
}

/**
 * A cursor-paged list with "Load more": `load` fetches one page from a cursor, `render` builds one item.
 * `reload()` starts again from the first page (after a filter changed).
 */
export function pagedList<T>(opts: {
  label: string;
  empty: string;
  load: (cursor: string | undefined) => Promise<AdminListPage<T>>;
  render: (item: T) => HTMLElement;
}): { el: HTMLElement; reload(): Promise<void> } {
  const list = h('ol', { class: 'admin-list', 'aria-label': opts.label });
  const status = statusLine();
  const more = h('button', { type: 'button', class: 'button secondary', hidden: true }, t('common.loadMore'));
  let next: string | null = null;
  let generation = 0;
  const load = async (reset: boolean) => {
    const mine = reset ? ++generation : generation;
    more.disabled = true;
    try {
      const page = await opts.load(reset ? undefined : (next ?? undefined));
      if (mine !== generation) return;
      if (reset) list.replaceChildren();
      for (const item of page.items) list.append(opts.render(item));
      next = page.next;
      more.hidden = next === null;
      if (list.childElementCount === 0) list.append(h('li', { class: 'empty' }, opts.empty));
      status.set('');
    } catch (error) {
      status.set(adminErrorText(error), 'error');
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void load(false));
  return {
    el: h('div', { class: 'paged-list' }, status.el, list, h('div', { class: 'actions' }, more)),
    reload: () => load(true),
  };
}

/** A search box that reloads its list as the operator types (debounced) or submits. */
export function searchForm(label: string, hint: string, onSearch: (q: string) => void): HTMLFormElement {
  const input = h('input', { type: 'search', name: 'q', autocomplete: 'off', maxlength: 80 });
  const id = `search-${Math.random().toString(36).slice(2, 8)}`;
  input.id = id;
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => onSearch(input.value.trim()), 250);
  });
  const form = h(
    'form',
    { role: 'search', class: 'search-form' },
    h('label', { for: id }, label),
    input,
    h('button', { type: 'submit', class: 'button secondary' }, t('common.search')),
    h('span', { class: 'muted small' }, hint),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(timer);
    onSearch(input.value.trim());
  });
  return form;
}
