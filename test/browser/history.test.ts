import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  eventually,
  expectLabelled,
  launchChromium,
  openPage,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

describeBrowser('history page in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let ownerMid: number;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    ownerMid = (await s.admin.createUser({ uname: 'maker', password: 'secret-pass' })).mid;
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lists progress ("watched to the end" for -1), deletes one, pauses and resumes recording, clears all', async () => {
    const multi = await s.admin.createArchive({
      title: 'Two-part lesson',
      owner_mid: ownerMid,
      pages: [
        { part: 'Theory', duration: 120 },
        { part: 'Practice', duration: 240 },
      ],
    });
    const done = await s.admin.createArchive({
      title: 'Short clip',
      owner_mid: ownerMid,
      pages: [{ part: 'clip', duration: 24 }],
    });
    const v = await openSignedIn(browser, s, 'historian');
    expect(
      (await v.client.history.report({ aid: multi.aid, cid: multi.pages[1]!.cid, progress: 75 })).code,
    ).toBe(0);
    s.clock.advance(60);
    expect(
      (await v.client.history.report({ aid: done.aid, cid: done.pages[0]!.cid, progress: -1 })).code,
    ).toBe(0);

    await v.page.goto(`${s.url}/history`);
    const items = v.page.locator('.history-item');
    await eventually(async () => expect(await items.count()).toBe(2));
    const [first, second] = [items.nth(0), items.nth(1)];
    expect(await first.getByRole('heading').textContent()).toBe('Short clip');
    expect(await first.locator('.progress').textContent()).toBe('Watched to the end');
    expect(await first.locator('progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([
      24, 24,
    ]);
    expect(await second.getByRole('heading').textContent()).toBe('Two-part lesson');
    expect(await second.locator('.part').first().textContent()).toBe('P2 Practice');
    expect(await second.locator('.progress').textContent()).toBe('Watched to 1:15 of 4:00');
    expect(await second.getByRole('link', { name: 'Two-part lesson' }).getAttribute('href')).toBe(
      `/video/${multi.bvid}?p=2`,
    );
    await expectLabelled(v.page);
    await screenshot(v.page, 'history');

    await v.page.getByRole('button', { name: 'Remove “Two-part lesson” from history' }).click();
    await v.page.getByRole('status').filter({ hasText: 'Removed “Two-part lesson”.' }).waitFor();
    expect(await items.count()).toBe(1);
    expect((await v.client.history.cursor()).data!.list.map((i) => i.kid)).toEqual([done.aid]);

    const pause = v.page.getByRole('button', { name: 'Pause recording' });
    await pause.click();
    const resume = v.page.getByRole('button', { name: 'Resume recording' });
    await resume.waitFor();
    expect(await resume.getAttribute('aria-pressed')).toBe('true');
    await v.page.getByText('Recording is paused').waitFor();
    expect((await v.client.history.shadow()).data).toBe(true);
    await v.page.reload();
    await resume.waitFor(); // the state comes from the server
    await resume.click();
    await pause.waitFor();
    expect((await v.client.history.shadow()).data).toBe(false);

    await v.page.getByRole('button', { name: 'Clear all' }).click();
    const dialog = v.page.getByRole('dialog', { name: 'Clear all history?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await items.count()).toBe(1);
    await v.page.getByRole('button', { name: 'Clear all' }).click();
    await dialog.getByRole('button', { name: 'Clear all' }).click();
    await v.page.getByText('Nothing here yet.').waitFor();
    expect((await v.client.history.cursor()).data!.list).toEqual([]);
    expect(v.foreign).toEqual([]);
    expect(v.errors).toEqual([]);
    await v.context.close();
  });

  it('pages with the cursor ("Load more"), and asks anonymous visitors to sign in', async () => {
    const v = await openSignedIn(browser, s, 'binger');
    for (let i = 1; i <= 23; i++) {
      const a = await s.admin.createArchive({
        title: `Episode ${i}`,
        owner_mid: ownerMid,
        pages: [{ part: 'p', duration: 60 }],
      });
      await v.client.history.report({ aid: a.aid, cid: a.pages[0]!.cid, progress: i });
      s.clock.advance(1);
    }
    await v.page.goto(`${s.url}/history`);
    const items = v.page.locator('.history-item');
    await eventually(async () => expect(await items.count()).toBe(20));
    expect(await items.first().getByRole('heading').textContent()).toBe('Episode 23');
    await v.page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => expect(await items.count()).toBe(23));
    expect(await items.last().getByRole('heading').textContent()).toBe('Episode 1');
    expect(await v.page.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);
    await v.context.close();

    const anon = await openPage(browser, s);
    await anon.page.goto(`${s.url}/history`);
    await anon.page.getByText('Sign in to see what you watched.').waitFor();
    expect(await anon.page.locator('main').getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(
      '/login?go_url=%2Fhistory',
    );
    await anon.context.close();
  });
});
