import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/harness.ts';
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

const status = (scope: Page | Locator, text: string) => scope.getByRole('status').filter({ hasText: text });

/** No horizontal scrolling: the page is no wider than the viewport. */
async function fitsWidth(page: Page): Promise<void> {
  const { scroll, client, wide } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    // What sticks out, to name it when this fails.
    wide: [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`),
  }));
  expect({ scroll, wide }).toEqual({ scroll: Math.min(scroll, client), wide: [] });
}

describeBrowser('moderation console lists in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer({ commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('finds comments by author, deletes them in bulk, sees it in the audit log and the report queue (390 px)', async () => {
    const owner = await s.signedIn('lists-owner');
    const archive = await s.admin.createArchive({
      title: 'Listed video',
      owner_mid: owner.mid,
      pages: [{ part: 'p', duration: 24 }],
    });
    const area = { type: 1, oid: archive.aid };
    const spammer = await s.signedIn('spammer');
    const decent = await s.signedIn('decent');
    const spam: number[] = [];
    for (const message of ['cheap pills', 'cheap watches', 'cheap followers']) {
      spam.push((await spammer.client.reply.add({ ...area, message })).data!.rpid);
    }
    const kept = (await decent.client.reply.add({ ...area, message: 'nice video' })).data!.rpid;
    for (const name of ['reporter-a', 'reporter-b']) {
      const reporter = await s.signedIn(name);
      expect((await reporter.client.reply.report({ ...area, rpid: spam[0]!, reason: 1 })).code).toBe(0);
    }

    const b = await openPage(browser, s, { width: 390 });
    await b.page.addInitScript(`sessionStorage.setItem('replay.adminToken', '${ADMIN_TOKEN}')`);

    // The report queue groups the two reports of one comment, reasons in English, reporters by name.
    await b.page.goto(`${s.url}/admin#reports`);
    const reports = b.page.getByRole('tabpanel', { name: 'Reports' });
    const card = reports.locator(`.report[data-rpid="${spam[0]}"]`);
    await card.waitFor();
    expect(await reports.locator(`.report[data-rpid="${spam[0]}"]`).count()).toBe(1);
    expect(await card.textContent()).toContain('2 report(s), 2 open');
    expect(await card.getByText('Spam or advertising').count()).toBe(2);
    await card.getByText('reporter-a').waitFor();
    await card.getByText('spammer').waitFor();
    await fitsWidth(b.page);

    // Comments by author, newest first, with names; select all three and delete them at once.
    await b.page.getByRole('tab', { name: 'Comments' }).click();
    const comments = b.page.getByRole('tabpanel', { name: 'Comments' });
    await comments.getByLabel('Author (name or mid)').fill('spammer');
    await comments.getByRole('button', { name: 'Show comments' }).click();
    const rows = comments.locator('.comment-row');
    await comments.locator(`.comment-row[data-rpid="${spam[0]}"]`).waitFor();
    // The tab's first, unfiltered page may still be showing: wait for the filtered one to replace it.
    await expect
      .poll(() => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-rpid')))))
      .toEqual([...spam].reverse());
    expect(await rows.first().textContent()).toContain('spammer');
    await expectLabelled(b.page);
    await fitsWidth(b.page);
    for (const rpid of spam) await comments.getByLabel(`Select comment ${rpid}`).check();
    await comments.getByRole('button', { name: 'Delete selected' }).click();
    await status(
      comments.getByRole('group', { name: 'Selected comments' }),
      'Deleted 3 of 3 comment(s).',
    ).waitFor();
    await status(comments.locator(`.comment-row[data-rpid="${spam[1]}"]`), 'Deleted.').waitFor();
    await screenshot(b.page, 'admin-comments-phone');
    const listed = (await s.anonymous().reply.list(area)).data!.replies!.map((r) => r.rpid);
    expect(listed).toEqual([kept]);

    // The audit log lists the three deletions, newest first.
    await b.page.getByRole('tab', { name: 'Audit log' }).click();
    const audit = b.page.getByRole('tabpanel', { name: 'Audit log' });
    for (const rpid of spam) await audit.locator(`.audit-entry[data-target="reply:${rpid}"]`).waitFor();
    expect(await audit.locator('.audit-entry[data-action="reply.delete"]').count()).toBe(3);
    await audit.getByText('Deleted a comment').first().waitFor();
    await fitsWidth(b.page);

    // Back in the queue, the comment deleted from the list shows resolved, with no Delete button.
    await b.page.getByRole('tab', { name: 'Reports' }).click();
    await card.getByText('Resolved · comment deleted').waitFor();
    expect(await card.getByRole('button', { name: 'Delete the comment' }).count()).toBe(0);
    await card.getByRole('button', { name: 'Dismiss' }).click();
    await status(card, `Reports of comment ${spam[0]} dismissed (2).`).waitFor();
    await fitsWidth(b.page);

    // Users and archives: browse and search by name prefix and title.
    await b.page.getByRole('tab', { name: 'Users' }).click();
    const users = b.page.getByRole('tabpanel', { name: 'Users' });
    await users.getByLabel('Starts with').fill('spam');
    await users.getByLabel('Starts with').press('Enter');
    await users.locator(`.admin-list .list-item[data-mid="${spammer.mid}"]`).waitFor();
    await expect.poll(() => users.locator('.admin-list .list-item').count()).toBe(1);
    await fitsWidth(b.page);
    await b.page.getByRole('tab', { name: 'Archives' }).click();
    const archives = b.page.getByRole('tabpanel', { name: 'Archives' });
    await archives.getByLabel('Title contains').fill('listed');
    await archives.getByLabel('Title contains').press('Enter');
    await archives.locator(`.admin-list .list-item[data-aid="${archive.aid}"]`).waitFor();
    await fitsWidth(b.page);
    expect(b.foreign).toEqual([]);
    expect(b.errors).toEqual([]);
    await b.context.close();
  });
});
