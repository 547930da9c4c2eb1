import { h, uid } from '../dom.ts';
import { lang, LANGS, saveLang, t } from './index.ts';
import type { Lang } from './index.ts';

/** Each language named in itself, so a visitor finds their own whichever language the page is in. */
const NATIVE_NAME: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

/**
 * The top bar's language switch: a labelled <select>. A choice is saved and the page reloads in it, since
 * every message was rendered in the old language (one language per page, never a mix).
 */
export function languageSwitch(): HTMLElement {
  const id = uid('lang');
  const select = h(
    'select',
    { id, class: 'lang-select', name: 'lang' },
    LANGS.map((value) => h('option', { value, lang: value, selected: value === lang() }, NATIVE_NAME[value])),
  );
  select.value = lang();
  select.addEventListener('change', () => {
    const chosen = LANGS.find((value) => value === select.value);
    if (!chosen || chosen === lang()) return;
    saveLang(chosen);
    location.reload();
  });
  return h(
    'div',
    { class: 'lang-switch' },
    h('label', { for: id, class: 'visually-hidden' }, t('lang.label')),
    select,
  );
}
