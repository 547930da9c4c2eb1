import { h, uid } from './dom.ts';

export interface TabItem {
  key: string;
  label: string;
  panel: HTMLElement;
}

/**
 * WAI-ARIA tabs: one tab stop, arrow keys (and Home/End) move between tabs, the panels are labelled by
 * their tab. Returns the tab list and the panels, ready to append, and a way to select a tab.
 */
export function tabs(
  label: string,
  items: TabItem[],
  onSelect: (key: string) => void = () => {},
  initial = items[0]?.key,
): { list: HTMLElement; panels: HTMLElement[]; select(key: string): void } {
  const base = uid('tab');
  const buttons = items.map((item, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `${base}-${i}`,
        'aria-controls': `${base}-${i}-panel`,
        'data-key': item.key,
      },
      item.label,
    ),
  );
  const panels = items.map((item, i) => {
    item.panel.id = `${base}-${i}-panel`;
    item.panel.setAttribute('role', 'tabpanel');
    item.panel.setAttribute('aria-labelledby', `${base}-${i}`);
    item.panel.tabIndex = 0;
    return item.panel;
  });
  const select = (key: string, focus = false) => {
    items.forEach((item, i) => {
      const on = item.key === key;
      const button = buttons[i]!;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      panels[i]!.hidden = !on;
      if (on && focus) button.focus();
    });
    onSelect(key);
  };
  const list = h('div', { role: 'tablist', 'aria-label': label, class: 'tabs' }, buttons);
  buttons.forEach((button, i) => {
    button.addEventListener('click', () => select(items[i]!.key));
    button.addEventListener('keydown', (event) => {
      const last = items.length - 1;
      const to =
        event.key === 'ArrowRight'
          ? i === last
            ? 0
            : i + 1
          : event.key === 'ArrowLeft'
            ? i === 0
              ? last
              : i - 1
            : event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? last
                : null;
      if (to === null) return;
      event.preventDefault();
      select(items[to]!.key, true);
    });
  });
  if (initial !== undefined) {
    items.forEach((item, i) => {
      const on = item.key === initial;
      buttons[i]!.setAttribute('aria-selected', String(on));
      buttons[i]!.tabIndex = on ? 0 : -1;
      panels[i]!.hidden = !on;
    });
  }
  return { list, panels, select: (key) => select(key) };
}
