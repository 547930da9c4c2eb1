import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import { ADMIN_TOKEN } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  launchChromium,
  openPage,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';
import type { TestPage } from './browser-support.ts';

/** The phone widths the pages must fit without sideways scrolling (small Android, iPhone, large iPhone). */
const PHONES = [360, 390, 414] as const;
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const ADMIN_PANELS = ['users', 'archives', 'areas', 'comments', 'reports', 'audit', 'words', 'emotes'];

interface Visit {
  name: string;
  path: string;
  /** Something that is on the page once it has rendered its data. */
  ready: (page: Page) => Promise<unknown>;
  /** The HTTP status of the document (404 for the not-found page). */
  status?: number;
}

/** What sticks out past the viewport, named, so a failure says which element to fix. */
async function overflow(page: Page): Promise<{ scroll: number; inner: number; wide: string[] }> {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5)
      .filter((el) => !el.closest('.table-scroll, .visually-hidden'))
      .slice(0, 6)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${String(el.className)} ${Math.round(el.getBoundingClientRect().right)}`,
      ),
  }));
}

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return result.violations.flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`,
    ),
  );
}

describeBrowser('every page: fits a phone (360–414 px) and passes axe (WCAG 2.1 A/AA) in both themes', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer({ signup: 'open', commentBurstLimit: 0, commentHourlyLimit: 0 });
    browser = await launchChromium();
    const owner = await s.signedIn('page-owner');
    archive = await s.admin.createArchive({
      title: 'A video with a rather long title that has to wrap on a narrow phone screen',
      owner_mid: owner.mid,
      desc: 'https://example.invalid/a/very/long/link/without/any/spaces/that/must/wrap/somewhere/on/a/phone',
      pages: [
        { part: 'Opening', duration: 24 },
        { part: 'Second part with a longer name', duration: 24 },
      ],
    });
    const episodes: AdminArchive[] = [];
    for (const n of [1, 2, 3, 4]) {
      episodes.push(
        await s.admin.createArchive({
          title: `Episode ${n}`,
          owner_mid: owner.mid,
          pages: [{ part: `第${n}话`, duration: 24 }],
        }),
      );
    }
    await s.admin.seasons.create({
      season_id: 26193,
      title: '百妖谱',
      sub_type: 4,
      total: 12,
      episodes: episodes
        .slice(0, 2)
        .map((a, i) => ({ aid: a.aid, title: String(i + 1), long_title: `第${i + 1}话` })),
    });
    await s.admin.seasons.createCourse({
      season_id: 62,
      title: 'A course on something',
      total: 2,
      lessons: episodes.slice(2).map((a) => ({ aid: a.aid })),
    });
    // Comments with a reply, a pinned one, a report: every part of the section and of the console shows.
    const area = { type: 1, oid: archive.aid };
    const pinned = (await owner.client.reply.add({ ...area, message: 'Pinned by the owner', plat: 1 })).data!;
    expect((await owner.client.reply.top({ ...area, rpid: pinned.rpid, action: 1 })).code).toBe(0);
    const viewer = await s.signedIn('page-viewer');
    const root = (await viewer.client.reply.add({ ...area, message: 'A first comment', plat: 1 })).data!;
    await owner.client.reply.add({
      ...area,
      root: root.rpid,
      parent: root.rpid,
      message: 'An answer',
      plat: 1,
    });
    expect((await owner.client.reply.report({ ...area, rpid: root.rpid, reason: 1 })).code).toBe(0);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const heading = (name: string | RegExp) => (page: Page) =>
    page.getByRole('heading', { name }).first().waitFor();
  const pages = (): Visit[] => [
    { name: 'home', path: '/', ready: heading('Open a video') },
    { name: 'watch', path: `/video/${archive.bvid}`, ready: (p) => p.locator('.rp-reply').first().waitFor() },
    { name: 'stats', path: `/video/${archive.bvid}/stats`, ready: (p) => p.locator('main h1').waitFor() },
    { name: 'season', path: '/bangumi/play/ss26193', ready: heading(/百妖谱/) },
    { name: 'course', path: '/cheese/play/ss62', ready: heading(/A course/) },
    { name: 'history', path: '/history', ready: (p) => p.locator('main h1').waitFor() },
    { name: 'watch later', path: '/watchlater', ready: (p) => p.locator('main h1').waitFor() },
    { name: 'inbox', path: '/inbox', ready: (p) => p.locator('main h1').waitFor() },
    { name: 'account', path: '/account', ready: (p) => p.locator('main h1, main h2').first().waitFor() },
    { name: 'login', path: '/login', ready: (p) => p.locator('main h1').waitFor() },
    { name: 'register', path: '/register', ready: (p) => p.locator('main h1').waitFor() },
    { name: 'admin token gate', path: '/admin', ready: heading('Admin console') },
    {
      name: 'not found',
      path: `/video/${archive.bvid}/extra`,
      ready: heading('Page not found'),
      status: 404,
    },
  ];

  /** Opens each page, checks it at the three phone widths, then runs axe in light and dark. */
  async function audit(t: TestPage, visits: Visit[]): Promise<void> {
    const failures: Record<string, unknown> = {};
    for (const visit of visits) {
      await t.page.emulateMedia({ colorScheme: 'light' });
      await t.page.setViewportSize({ width: PHONES[0], height: 800 });
      // A new document every time, also between two admin panels (a changed #hash alone reloads nothing).
      await t.page.goto('about:blank');
      const response = await t.page.goto(`${s.url}${visit.path}`);
      expect(response?.status(), visit.name).toBe(visit.status ?? 200);
      await visit.ready(t.page);
      await t.page.waitForLoadState('networkidle');
      for (const width of PHONES) {
        await t.page.setViewportSize({ width, height: 800 });
        const o = await overflow(t.page);
        if (o.scroll > o.inner) failures[`${visit.name} at ${width}px`] = o;
      }
      for (const scheme of ['light', 'dark'] as const) {
        await t.page.emulateMedia({ colorScheme: scheme });
        const found = await axeViolations(t.page);
        if (found.length > 0) failures[`${visit.name}, ${scheme}`] = found;
      }
    }
    expect(failures).toEqual({});
    expect(t.errors).toEqual([]);
    expect(t.foreign).toEqual([]);
  }

  // Thirteen pages, each at three widths and audited twice: minutes on a shared two-core machine.
  const SLOW = { timeout: 300_000 };

  it('signed out', SLOW, async () => {
    const t = await openPage(browser, s);
    await audit(t, pages());
    await t.context.close();
  });

  it('signed in, with history, watch later and a reply in the inbox', SLOW, async () => {
    const t = await openSignedIn(browser, s, 'page-reader');
    const area = { type: 1, oid: archive.aid };
    await t.client.history.report({ aid: archive.aid, cid: archive.pages[1]!.cid, progress: 12 });
    expect((await t.client.toview.add({ aid: archive.aid })).code).toBe(0);
    const mine = (await t.client.reply.add({ ...area, message: 'Reader asks', plat: 1 })).data!;
    const other = await s.signedIn('page-answerer');
    await other.client.reply.add({ ...area, root: mine.rpid, parent: mine.rpid, message: 'Answer', plat: 1 });
    await audit(t, pages());
    await t.page.setViewportSize({ width: 390, height: 800 });
    await t.page.emulateMedia({ colorScheme: 'light' });
    await t.page.goto(`${s.url}/`);
    await t.page.getByRole('region', { name: 'Continue watching' }).getByRole('link').first().waitFor();
    await screenshot(t.page, 'home-phone');
    await t.context.close();
  });

  it('the admin console: every panel', SLOW, async () => {
    const t = await openPage(browser, s);
    await t.page.addInitScript(
      `if (location.protocol === 'http:') sessionStorage.setItem('replay.adminToken', '${ADMIN_TOKEN}')`,
    );
    await audit(
      t,
      ADMIN_PANELS.map((key) => ({
        name: `admin #${key}`,
        path: `/admin#${key}`,
        ready: (page: Page) => page.getByRole('tabpanel').first().waitFor(),
      })),
    );
    await t.page.setViewportSize({ width: 390, height: 800 });
    await t.page.emulateMedia({ colorScheme: 'light' });
    await t.page.goto('about:blank');
    await t.page.goto(`${s.url}/admin#users`);
    await t.page.getByRole('tabpanel').first().waitFor();
    await t.page.waitForLoadState('networkidle');
    await screenshot(t.page, 'admin-phone');
    await t.context.close();
  });
});
