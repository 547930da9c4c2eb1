import { h } from './dom.ts';
import type { MessageKey } from './i18n/en.ts';
import { t } from './i18n/index.ts';

/** Light, dark, or whatever the system prefers; remembered per browser. */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'replay.theme';
const ORDER: Theme[] = ['system', 'light', 'dark'];
const LABEL = { system: 'theme.system', light: 'theme.light', dark: 'theme.dark' } as const satisfies Record<
  Theme,
  MessageKey
>;

export function storedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme = storedTheme()): void {
  if (theme === 'system') delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = theme;
}

/** A button that cycles system → light → dark and says which one is active. */
export function themeToggle(): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button ghost theme-toggle' });
  const render = () => {
    const theme = storedTheme();
    button.textContent = t(LABEL[theme]);
    button.setAttribute('aria-label', t('theme.change', { theme: t(LABEL[theme]) }));
  };
  button.addEventListener('click', () => {
    const next = ORDER[(ORDER.indexOf(storedTheme()) + 1) % ORDER.length] ?? 'system';
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    applyTheme(next);
    render();
  });
  render();
  return button;
}
