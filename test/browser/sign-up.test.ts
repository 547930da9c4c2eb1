import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  expectLabelled,
  launchChromium,
  openPage,
  screenshot,
  startWebServer,
} from './browser-support.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describeBrowser('sign-up and account pages in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;

  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer({ signup: 'open' });
    browser = await launchChromium();
    const owner = await s.signedIn('signup-uploader');
    archive = await s.admin.createArchive({
      title: 'Sign-up test',
      owner_mid: owner.mid,
      pages: [{ part: 'Only part', duration: 24 }],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs up, comments, edits the profile, and the comment shows the new name and picture', async () => {
    const { page } = await openPage(browser, s);
    const video = `/video/${archive.bvid}`;
    await page.goto(`${s.url}/login?go_url=${encodeURIComponent(video)}`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await expectLabelled(page);

    // The server's rules come back in words.
    await page.getByLabel('Name', { exact: true }).fill('new_viewer');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#register [role="status"]').filter({ hasText: 'at least 8 characters' }).waitFor();
    await screenshot(page, 'sign-up');

    await page.getByLabel('Password', { exact: true }).fill('good-password-1');
    await page.getByLabel('Password again').fill('good-password-1');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`${s.url}${video}`);
    await page.locator('.account .me').filter({ hasText: 'new_viewer' }).waitFor();

    const box = page.getByRole('textbox', { name: 'Write a comment' });
    await box.fill('my first comment');
    await page.getByRole('button', { name: 'Post', exact: true }).click();
    const mine = page.locator('.rp-reply').filter({ hasText: 'my first comment' }).first();
    await mine.locator('.rp-uname', { hasText: 'new_viewer' }).waitFor();

    await page.locator('.account .me').click();
    await page.waitForURL(`${s.url}/account`);
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await expectLabelled(page);
    const profile = page.locator('#profile');
    await profile.getByLabel('Name').fill('renamed_viewer');
    await profile.getByLabel('Signature').fill('I watch things');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await profile.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.locator('.account .me').filter({ hasText: 'renamed_viewer' }).waitFor();

    const picture = page.locator('#avatar');
    await picture.getByLabel('Picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG });
    await picture.getByRole('button', { name: 'Upload picture' }).click();
    await picture.getByRole('status').filter({ hasText: 'Picture updated.' }).waitFor();
    await screenshot(page, 'account');

    await page.goto(`${s.url}${video}`);
    const renamed = page.locator('.rp-reply').filter({ hasText: 'my first comment' }).first();
    await renamed.locator('.rp-uname', { hasText: 'renamed_viewer' }).waitFor();
    const src = await renamed.locator('img').first().getAttribute('src');
    expect(src).toMatch(new RegExp(`^${s.url}/x/replay/avatar/\\d+/[0-9a-f]{16}$`));
    const user = await s.store.users.findByUname('renamed_viewer');
    expect(user?.sign).toBe('I watch things');
  });

  it('says when sign-up is closed', async () => {
    const closed = await startWebServer();
    try {
      const { page } = await openPage(browser, closed);
      await page.goto(`${closed.url}/register`);
      await page.getByRole('heading', { name: 'Sign-up is closed' }).waitFor();
      expect(await page.locator('form').count()).toBe(0);
    } finally {
      await closed.close();
    }
  });
});
