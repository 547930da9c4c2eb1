import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  eventually,
  expectLabelled,
  launchChromium,
  openPage,
  screenshot,
  startWebServer,
} from './browser-support.ts';

const status = (page: Page | Locator, text: string) => page.getByRole('status').filter({ hasText: text });

describeBrowser('admin console in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('asks for the token, then manages users, archives and areas', async () => {
    const b = await openPage(browser, s);
    await b.page.goto(`${s.url}/admin`);
    await b.page.getByLabel('Admin token').fill('not-the-token-at-all');
    await b.page.getByRole('button', { name: 'Open the console' }).click();
    await status(b.page, 'The admin token was not accepted.').waitFor();
    await b.page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await b.page.getByRole('button', { name: 'Open the console' }).click();
    await b.page.getByRole('heading', { name: 'Admin console' }).waitFor();
    await b.page.getByRole('tab', { name: 'Users' }).waitFor();

    // Users: create, then ban and unban.
    const users = b.page.getByRole('tabpanel', { name: 'Users' });
    await users.getByLabel('Name').fill('newbie');
    await users.getByLabel('Password').fill('newbie-pass-1');
    await users.getByLabel('Level (0–6)').fill('2');
    await users.getByRole('button', { name: 'Create user' }).click();
    await status(b.page, 'Created “newbie” with mid').waitFor();
    const mid = Number(await users.locator('.user-card').getAttribute('data-mid'));
    expect(await s.admin.getUser(mid)).toMatchObject({
      uname: 'newbie',
      level: 2,
      banned: false,
      has_password: true,
    });
    await users.getByRole('button', { name: 'Ban newbie' }).click();
    await status(b.page, 'newbie is banned.').waitFor();
    expect((await s.admin.getUser(mid)).banned).toBe(true);
    await users.getByRole('button', { name: 'Unban newbie' }).click();
    await status(b.page, 'newbie is no longer banned.').waitFor();
    expect((await s.admin.getUser(mid)).banned).toBe(false);
    await expectLabelled(b.page);
    await screenshot(b.page, 'admin-users');

    // Archives: create one with two parts.
    await b.page.getByRole('tab', { name: 'Archives' }).click();
    const archives = b.page.getByRole('tabpanel', { name: 'Archives' });
    await archives.getByLabel('Title', { exact: true }).fill('Made in the console');
    await archives.getByLabel('Uploader (mid)').fill(String(mid));
    await archives.getByLabel('Part 1 title').fill('Intro');
    await archives.getByLabel('Part 1 length (s)').fill('30');
    await archives.getByRole('button', { name: 'Add a part' }).click();
    await archives.getByLabel('Part 2 title').fill('Main');
    await archives.getByLabel('Part 2 length (s)').fill('90');
    await archives.getByRole('button', { name: 'Create archive' }).click();
    await status(b.page, 'Created av').waitFor();
    const aid = Number(await archives.locator('.archive-card').getAttribute('data-aid'));
    const archive = await s.admin.getArchive(aid);
    expect(archive).toMatchObject({ title: 'Made in the console', owner_mid: mid, duration: 120 });
    expect(archive.pages.map((p) => [p.page, p.part, p.duration])).toEqual([
      [1, 'Intro', 30],
      [2, 'Main', 90],
    ]);
    expect(await archives.getByRole('link', { name: 'Made in the console' }).getAttribute('href')).toBe(
      `/video/${archive.bvid}`,
    );

    // Areas: the archive's comment area, closed and opened again.
    await b.page.getByRole('tab', { name: 'Comment areas' }).click();
    const areas = b.page.getByRole('tabpanel', { name: 'Comment areas' });
    await areas.getByLabel('oid').fill(String(aid));
    await areas.getByRole('button', { name: 'Find' }).click();
    await areas.getByText(`Area 1/${aid}: open.`).waitFor();
    await areas.getByRole('button', { name: 'Close comments' }).click();
    await areas.getByText(`Area 1/${aid}: closed`).waitFor();
    expect((await s.admin.getArea(1, aid)).closed).toBe(true);
    await areas.getByRole('button', { name: 'Open comments' }).click();
    await areas.getByText(`Area 1/${aid}: open.`).waitFor();
    expect((await s.admin.getArea(1, aid)).closed).toBe(false);
    expect(b.foreign).toEqual([]);
    expect(b.errors).toEqual([]);
    await b.context.close();
  });

  it('resolves a report by deleting the comment; keeps sensitive words and emote packages', async () => {
    const owner = await s.signedIn('area-owner');
    const archive = await s.admin.createArchive({
      title: 'Reported',
      owner_mid: owner.mid,
      pages: [{ part: 'p', duration: 24 }],
    });
    const author = await s.signedIn('troll');
    const reporter = await s.signedIn('reporter');
    const area = { type: 1, oid: archive.aid };
    const bad = (await author.client.reply.add({ ...area, message: 'Buy cheap followers now' })).data!.rpid;
    const fine = (await author.client.reply.add({ ...area, message: 'An honest opinion' })).data!.rpid;
    expect((await reporter.client.reply.report({ ...area, rpid: bad, reason: 1 })).code).toBe(0);
    expect(
      (await reporter.client.reply.report({ ...area, rpid: fine, reason: 0, content: 'I just disagree' }))
        .code,
    ).toBe(0);

    const b = await openPage(browser, s);
    await b.page.addInitScript(`sessionStorage.setItem('replay.adminToken', '${ADMIN_TOKEN}')`);
    await b.page.goto(`${s.url}/admin#reports`);
    const reports = b.page.getByRole('tabpanel', { name: 'Reports' });
    const badCard = reports.locator(`.report[data-rpid="${bad}"]`);
    const fineCard = reports.locator(`.report[data-rpid="${fine}"]`);
    await badCard.waitFor();
    expect(await badCard.locator('blockquote').textContent()).toBe('Buy cheap followers now');
    expect(await fineCard.textContent()).toContain('I just disagree');
    await screenshot(b.page, 'admin-reports');
    await badCard.getByRole('button', { name: 'Delete the comment' }).click();
    // The result shows in the card, next to the button pressed; the card then has nothing left to do.
    await status(badCard, `Comment ${bad} deleted; 1 report(s) closed.`).waitFor();
    await eventually(async () =>
      expect(await badCard.getByRole('button', { name: 'Delete the comment' }).count()).toBe(0),
    );
    await fineCard.getByRole('button', { name: 'Dismiss' }).click();
    await status(fineCard, `Reports of comment ${fine} dismissed (1).`).waitFor();
    await reports.getByRole('button', { name: 'Refresh' }).click();
    await reports.getByText('No reports here.').waitFor();
    const listed = (await s.anonymous().reply.list(area)).data!.replies!.map((r) => r.rpid);
    expect(listed).toEqual([fine]);
    expect(
      (await s.admin.moderation.reports({ status: 'all' })).items.map((r) => [r.rpid, r.status]).sort(),
    ).toEqual(
      [
        [bad, 'deleted'],
        [fine, 'dismissed'],
      ].sort(),
    );
    await reports.getByLabel('Show').selectOption('all');
    await reports.locator(`.report[data-rpid="${bad}"]`).getByText('Resolved · comment deleted').waitFor();

    // Sensitive words: added words block comments (12016) until removed.
    await b.page.getByRole('tab', { name: 'Sensitive words' }).click();
    const words = b.page.getByRole('tabpanel', { name: 'Sensitive words' });
    await words.getByLabel('Words, one per line').fill('forbiddenword\nanotherbad');
    await words.getByRole('button', { name: 'Add' }).click();
    await status(b.page, 'Added 2.').waitFor();
    await words.getByRole('listitem').filter({ hasText: 'forbiddenword' }).waitFor();
    expect((await author.client.reply.add({ ...area, message: 'this has FORBIDDENWORD in it' })).code).toBe(
      12016,
    );
    await words.getByRole('button', { name: 'Remove “forbiddenword”' }).click();
    await status(b.page, 'Removed “forbiddenword”.').waitFor();
    expect((await author.client.reply.add({ ...area, message: 'this has FORBIDDENWORD in it' })).code).toBe(
      0,
    );

    // Emote packages: create one with an uploaded image; it appears in the comment box's panel.
    await b.page.getByRole('tab', { name: 'Emote packages' }).click();
    const emotes = b.page.getByRole('tabpanel', { name: 'Emote packages' });
    await emotes.getByLabel('Package name').fill('mypack');
    await emotes.getByLabel('Emote name').fill('wave');
    await emotes
      .getByLabel('Image')
      .setInputFiles(join(import.meta.dirname, '..', '..', 'assets', 'noface.png'));
    await emotes.getByRole('button', { name: 'Create package' }).click();
    await status(b.page, 'Created “mypack” with 1 emotes.').waitFor();
    const panel = (await s.anonymous().emote.panel('reply')).data!.packages;
    const mine = panel.find((p) => p.text === 'mypack')!;
    expect(mine.emote.map((e) => e.text)).toEqual(['[mypack_wave]']);
    expect(new URL(mine.emote[0]!.url).origin).toBe(s.url);
    await emotes.locator(`.package[data-package="${mine.id}"]`).waitFor();
    await emotes.getByRole('button', { name: 'Delete “mypack”' }).click();
    await b.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await status(b.page, 'Deleted “mypack”.').waitFor();
    expect((await s.anonymous().emote.panel('reply')).data!.packages.map((p) => p.text)).not.toContain(
      'mypack',
    );
    expect(b.foreign).toEqual([]);
    await b.context.close();
  });
});
