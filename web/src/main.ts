import './styles/base.css';
import './styles/app.css';
import './styles/comments.css';
import { errorText } from './api.ts';
import { alertBanner, renderLayout, setTitle } from './layout.ts';
import type { Section } from './layout.ts';
import { h, replace } from './dom.ts';
import { applyTheme } from './theme.ts';
import { renderAccountPage } from './pages/account.page.ts';
import { renderAdminPage } from './pages/admin.page.ts';
import { renderHistoryPage } from './pages/history.page.ts';
import { renderHomePage } from './pages/home.page.ts';
import { renderInboxPage } from './pages/inbox.page.ts';
import { renderLoginPage } from './pages/login.page.ts';
import { renderRegisterPage } from './pages/register.page.ts';
import { renderSeasonPage } from './pages/season.page.ts';
import { renderWatchPage } from './pages/watch.page.ts';
import { renderWatchLaterPage } from './pages/toview.page.ts';
import { applyLang, t } from './i18n/index.ts';

/** One shell serves every page (src/http/web/web.routes.ts); the path picks what to render. */
interface Route {
  pattern: RegExp;
  section: Section;
  render(main: HTMLElement, match: RegExpMatchArray): void | Promise<void>;
}

const ROUTES: Route[] = [
  { pattern: /^\/$/, section: 'home', render: (main) => renderHomePage(main) },
  {
    pattern: /^\/video\/([^/]+)$/,
    section: 'video',
    render: (main, m) => renderWatchPage(main, decodeURIComponent(m[1]!)),
  },
  {
    pattern: /^\/video\/([^/]+)\/stats$/,
    section: 'video',
    // Loaded on demand: the chart library is only this page's.
    render: (main, m) =>
      import('./pages/stats.page.ts').then((p) => p.renderStatsPage(main, decodeURIComponent(m[1]!))),
  },
  { pattern: /^\/history$/, section: 'history', render: (main) => renderHistoryPage(main) },
  { pattern: /^\/watchlater$/, section: 'history', render: (main) => renderWatchLaterPage(main) },
  { pattern: /^\/inbox$/, section: 'inbox', render: (main) => renderInboxPage(main) },
  {
    pattern: /^\/(bangumi|cheese)\/play\/([^/]+)$/,
    section: 'video',
    render: (main, m) => renderSeasonPage(main, m[1] === 'bangumi' ? 'pgc' : 'cheese', m[2]!),
  },
  { pattern: /^\/login$/, section: 'login', render: (main) => renderLoginPage(main) },
  { pattern: /^\/register$/, section: 'login', render: (main) => renderRegisterPage(main) },
  { pattern: /^\/account$/, section: 'none', render: (main) => renderAccountPage(main) },
  { pattern: /^\/admin$/, section: 'admin', render: (main) => renderAdminPage(main) },
];

applyTheme();
// Before anything renders: the page is in one language from its first paint.
applyLang();
const root = document.getElementById('app')!;
root.classList.add('rp-app');
const path = location.pathname.replace(/\/+$/, '') || '/';
const route = ROUTES.map((r) => ({ r, m: path.match(r.pattern) })).find((x) => x.m);
if (route) {
  const main = renderLayout(root, route.r.section);
  Promise.resolve()
    .then(() => route.r.render(main, route.m!))
    .catch((error: unknown) => alertBanner(errorText(error)));
} else {
  const main = renderLayout(root, 'none');
  setTitle(t('common.notFound'));
  replace(
    main,
    h('h1', null, t('common.pageNotFound')),
    h('p', null, h('a', { href: '/' }, t('common.backHome'))),
  );
}
