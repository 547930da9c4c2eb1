import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';

/** The page numbers a pager shows: the first, the last and the current page with its neighbours. */
export function pageNumbers(current: number, pages: number): number[] {
  const numbers = new Set([1, pages, current - 1, current, current + 1].filter((n) => n >= 1 && n <= pages));
  return [...numbers].sort((a, b) => a - b);
}

/** Previous, the page numbers (gaps shown as "…") and Next; `go` gets the page asked for. */
export function pagerButtons(current: number, pages: number, go: (pn: number) => void): HTMLElement[] {
  const button = (label: string, pn: number, attrs: Record<string, string | boolean | undefined>) => {
    const b = h('button', { type: 'button', class: 'button small secondary', ...attrs }, label);
    b.addEventListener('click', () => go(pn));
    return b;
  };
  const out: HTMLElement[] = [button(t('pager.previous'), current - 1, { disabled: current <= 1 })];
  let last = 0;
  for (const n of pageNumbers(current, pages)) {
    if (n - last > 1) out.push(h('span', { 'aria-hidden': 'true' }, '…'));
    out.push(
      button(String(n), n, {
        'aria-current': n === current ? 'page' : undefined,
        'aria-label': t('pager.page', { n }),
      }),
    );
    last = n;
  }
  out.push(button(t('pager.next'), current + 1, { disabled: current >= pages }));
  return out;
}
