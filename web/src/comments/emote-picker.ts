import type { EmotePackageWire } from '../../../src/client/emote-api.ts';
import { errorText } from '../api.ts';
import { h, localUrl, replace } from '../dom.ts';
import { tabs } from '../tabs.ts';

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
          'aria-label': locked ? `${e.text} (not available to you)` : e.text,
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
  picker.textContent = 'Loading emotes…';
  try {
    const list = await packages();
    if (list.length === 0) {
      picker.textContent = 'No emotes available.';
      return true;
    }
    const t = tabs(
      'Emote packages',
      list.map((pkg) => ({ key: String(pkg.id), label: pkg.text, panel: emoteGrid(pkg, insert) })),
    );
    replace(picker, t.list, t.panels);
    picker.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus();
    return true;
  } catch (error) {
    picker.textContent = errorText(error);
    return false;
  }
}
