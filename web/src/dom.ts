/**
 * The UI's only way to build DOM. Children that are strings become text nodes, so nothing a user wrote
 * can ever be parsed as HTML (DESIGN.md §7: message text is rendered as text).
 */

import { formatLocale, lang, t } from './i18n/index.ts';

export type Child = Node | string | number | null | undefined | false | readonly Child[];

type Listener<E extends Event = Event> = (event: E) => void;

export interface Attrs {
  class?: string | undefined;
  id?: string | undefined;
  for?: string | undefined;
  role?: string | undefined;
  hidden?: boolean | undefined;
  [name: `on${string}`]: Listener<never> | undefined;
  [name: string]: string | number | boolean | null | undefined | Listener<never>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (attrs) setAttrs(element, attrs);
  append(element, children);
  return element;
}

function setAttrs(element: HTMLElement, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    } else if (name === 'value' && 'value' in element) {
      (element as HTMLInputElement).value = String(value);
    } else if (name === 'checked' && element instanceof HTMLInputElement) {
      element.checked = value === true;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child as readonly Child[]);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child as string | number)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let idCounter = 0;
/** A document-unique id for label/field and aria-* pairs. */
export function uid(prefix = 'rp'): string {
  return `${prefix}-${++idCounter}`;
}

/** A labelled form field: `<label for>` + control, as one block. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uid('field');
  control.id = id;
  let hintEl: HTMLElement | null = null;
  if (hint) {
    hintEl = h('small', { class: 'hint', id: `${id}-hint` }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A status line that screen readers announce; `set` shows a message, `error` styles it as one. */
export function statusLine(): { el: HTMLElement; set(text: string, kind?: 'info' | 'error' | 'ok'): void } {
  const el = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  return {
    el,
    set(text, kind = 'info') {
      el.textContent = text;
      el.dataset['kind'] = kind;
    },
  };
}

/**
 * A modal confirmation built on <dialog> (focus trapping and Escape come from the browser). Resolves true
 * when the confirm button is used.
 */
export function confirmDialog(title: string, text: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: titleId }, title),
        h('p', null, text),
        h(
          'div',
          { class: 'actions' },
          h('button', { value: 'cancel', class: 'button secondary' }, t('common.cancel')),
          h('button', { value: 'ok', class: 'button danger' }, confirmLabel),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    // Inside the styled root, so the embed's and the pages' scoped styles reach it.
    (document.querySelector('.rp-comments, .rp-app') ?? document.body).append(dialog);
    dialog.showModal();
  });
}

/** Resource URLs the pages may load: same-origin only, so no page ever reaches another host. */
export function localUrl(url: string | null | undefined, base: string = location.origin): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, base);
    return parsed.origin === new URL(base).origin ? parsed.href : null;
  } catch {
    return null;
  }
}

/** An avatar: the image when it is local, else the initial of the name on a coloured disc. */
export function avatar(face: string | null | undefined, name: string, size = 40, base?: string): HTMLElement {
  const src = localUrl(face, base);
  const hue = [...name].reduce((sum, c) => sum + (c.codePointAt(0) ?? 0), 0) % 360;
  const fallback = h('span', { class: 'avatar-fallback', 'aria-hidden': 'true' }, [...name][0] ?? '?');
  fallback.style.setProperty('--hue', String(hue));
  const box = h('span', { class: 'avatar' }, fallback);
  box.style.setProperty('--size', `${size}px`);
  if (src) {
    const img = h('img', { src, alt: '', width: size, height: size, loading: 'lazy', decoding: 'async' });
    img.addEventListener('error', () => img.remove());
    box.append(img);
  }
  return box;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function formatTime(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toLocaleString(formatLocale(), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "3 minutes ago", "yesterday", …; a full date beyond a month. */
export function relativeTime(unixSeconds: number, nowMs: number = Date.now()): string {
  const relative = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });
  const seconds = Math.round(unixSeconds - nowMs / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86400) return relative.format(Math.round(seconds / 86400), 'day');
  return formatTime(unixSeconds);
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat(lang(), { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}
