import { errorText, me, signOut } from './api.ts';
import type { Me } from './api.ts';
import { avatar, h, replace } from './dom.ts';
import { themeToggle } from './theme.ts';
import { inboxLink } from './unread-badge.ts';
import { t } from './i18n/index.ts';
import { languageSwitch } from './i18n/switch.ts';

export type Section = 'home' | 'video' | 'history' | 'login' | 'admin' | 'inbox' | 'none';

const LINKS: { href: string; label: 'layout.home' | 'layout.history' | 'layout.admin'; section: Section }[] =
  [
    { href: '/', label: 'layout.home', section: 'home' },
    { href: '/history', label: 'layout.history', section: 'history' },
    { href: '/admin', label: 'layout.admin', section: 'admin' },
  ];

/** The page frame: skip link, top bar with navigation and account, and the <main> pages render into. */
export function renderLayout(root: HTMLElement, section: Section): HTMLElement {
  const account = h('div', { class: 'account', 'aria-live': 'polite' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    root,
    h('a', { class: 'skip-link', href: '#main' }, t('layout.skip')),
    h(
      'header',
      { class: 'topbar' },
      h(
        'a',
        { class: 'brand', href: '/', 'aria-label': t('layout.brandLabel') },
        h('span', { class: 'logo' }),
        'Replay',
      ),
      h(
        'nav',
        { 'aria-label': t('layout.navLabel') },
        h(
          'ul',
          null,
          LINKS.map((link) =>
            h(
              'li',
              null,
              h(
                'a',
                { href: link.href, 'aria-current': link.section === section ? 'page' : undefined },
                t(link.label),
              ),
            ),
          ),
        ),
      ),
      account,
      languageSwitch(),
      themeToggle(),
    ),
    main,
    h('footer', { class: 'footer' }, t('layout.footer')),
  );
  void me().then((user) => renderAccount(account, user, section));
  return main;
}

function renderAccount(el: HTMLElement, user: Me | null, section: Section): void {
  if (!user) {
    if (section === 'login') return replace(el);
    const goUrl = encodeURIComponent(location.pathname + location.search);
    return replace(
      el,
      h('a', { class: 'button primary', href: `/login?go_url=${goUrl}` }, t('common.signIn')),
    );
  }
  const out = h('button', { type: 'button', class: 'button ghost' }, t('common.signOut'));
  out.addEventListener('click', () => {
    out.disabled = true;
    signOut().then(
      () => location.reload(),
      (error: unknown) => {
        out.disabled = false;
        out.title = errorText(error);
        alertBanner(errorText(error));
      },
    );
  });
  replace(
    el,
    inboxLink(section === 'inbox'),
    h(
      'a',
      { class: 'me', href: '/account', title: t('layout.yourAccount'), 'data-mid': user.mid },
      avatar(user.face, user.uname, 28),
      h('span', null, user.uname),
    ),
    out,
  );
}

/** A page-level error message that screen readers announce at once. */
export function alertBanner(text: string): void {
  const main = document.getElementById('main');
  if (!main) return;
  const existing = main.querySelector(':scope > .banner');
  const banner = h('div', { class: 'banner', role: 'alert' }, text);
  if (existing) existing.replaceWith(banner);
  else main.prepend(banner);
}

/** The page <title>. */
export function setTitle(text: string): void {
  document.title = text ? `${text} · Replay` : 'Replay';
}
