import type { EmotePackageWire } from 'replay/client';
import { errorText } from '../api.ts';
import { h, localUrl, replace } from '../dom.ts';
import { tabs } from '../tabs.ts';
import { t } from '../i18n/index.ts';

/** One package's emotes as buttons; images only from this origin, textual emotes as their text. */
function emoteGrid(pkg: EmotePackageWire, insert: (text: string) => void): HTMLElement {
  const textual = pkg.type === 4;
  return h(
    'div',
    { class: textual ? 'rp-emote-grid rp-text' : 'rp-emote-grid' },
    pkg.emote.map((e) => {
      const src = textual ? null : localUrl(e.url);
      const locked = e.flags.no_access === true;
      const button = h(
        'button',
        {
          type: 'button',
          title: e.text,
          'aria-label': locked ? t('emotes.locked', { name: e.text }) : e.text,
          disabled: locked,
        },
        src ? h('img', { src, alt: '', loading: 'lazy' }) : e.text,
      );
      button.addEventListener('click', () => insert(e.text));
      return button;
    }),
  );
}

/**
 * Fills `picker` with one tab per emote package; a click hands the emote's escape to `insert`. False when
 * the panel could not be read (the picker then says why, and the next opening tries again).
 */
export async function fillPicker(
  picker: HTMLElement,
  packages: () => Promise<EmotePackageWire[]>,
  insert: (text: string) => void,
): Promise<boolean> {
  picker.textContent = t('emotes.loading');
  try {
    const list = await packages();
    if (list.length === 0) {
      picker.textContent = t('emotes.none');
      return true;
    }
    const packageTabs = tabs(
      t('emotes.packages'),
      list.map((pkg) => ({ key: String(pkg.id), label: pkg.text, panel: emoteGrid(pkg, insert) })),
    );
    replace(picker, packageTabs.list, packageTabs.panels);
    picker.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    return true;
  } catch (error) {
    picker.textContent = errorText(error);
    return false;
  }
}
