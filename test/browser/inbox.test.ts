import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive, BiliClient } from '../../src/client/index.ts';
import type { TestServer } from '../support/harness.ts';
import { freePort } from '../support/postgres-cluster.ts';
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

/** More roots than one page (20) after the viewer's comment, so the jump has to open page 2. */
const LATER_ROOTS = 22;

describeBrowser('inbox (message center) in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  let dave: { client: BiliClient; mid: number };
  const area = () => ({ type: 1, oid: archive.aid });

  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer({ commentBurstLimit: 0, commentHourlyLimit: 0 });
    browser = await launchChromium();
    const owner = await s.signedIn('uploader');
    archive = await s.admin.createArchive({
      title: 'Inbox test',
      owner_mid: owner.mid,
      pages: [{ part: 'Only part', duration: 24 }],
    });
    dave = await s.signedIn('dave');
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a reply shows as a badge, lists in the inbox and opens highlighted in its thread; reading clears the badge', async () => {
    const carol = await openSignedIn(browser, s, 'carol');
    const mine = (await carol.client.reply.add({ ...area(), message: 'Carol asks a question', plat: 1 }))
      .data!.rpid;
    // Later roots push Carol's thread to page 2 of the time-ordered list.
    for (let i = 0; i < LATER_ROOTS; i++) {
      s.clock.advance(1);
      await dave.client.reply.add({ ...area(), message: `Filler comment ${i}`, plat: 1 });
    }
    s.clock.advance(1);
    await carol.page.goto(`${s.url}/`);
    const inbox = carol.page.getByRole('link', { name: /^Inbox/ });
    await inbox.waitFor();
    await eventually(async () => expect(await carol.page.locator('.unread-badge').isHidden()).toBe(true));

    const answer = (
      await dave.client.reply.add({
        ...area(),
        root: mine,
        parent: mine,
        message: 'Dave answers <img src=x onerror="window.pwned=1">',
        plat: 1,
      })
    ).data!.rpid;

    // The badge is asked on page load.
    await carol.page.reload();
    const badge = carol.page.locator('.unread-badge');
    await eventually(async () => expect(await badge.textContent()).toBe('1'));
    expect(await badge.isVisible()).toBe(true);
    expect(await carol.page.getByRole('link', { name: 'Inbox, 1 unread' }).count()).toBe(1);

    await carol.page.getByRole('link', { name: 'Inbox, 1 unread' }).click();
    await carol.page.waitForURL(`${s.url}/inbox`);
    const replies = carol.page.getByRole('list', { name: 'Replies to you, newest first' });
    const notice = replies.locator(`.notice[data-rpid="${answer}"]`);
    await notice.waitFor();
    expect(await carol.page.getByRole('tab', { name: 'Replies' }).getAttribute('aria-selected')).toBe('true');
    expect(await notice.locator('.notice-head').innerText()).toMatch(/^dave replied to your comment/);
    expect(await notice.locator('.notice-message').innerText()).toBe(
      'Dave answers <img src=x onerror="window.pwned=1">',
    );
    expect(await notice.locator('img:not(.avatar img)').count()).toBe(0);
    expect(await notice.locator('.notice-quote').innerText()).toBe('Carol asks a question');
    expect(await notice.getAttribute('data-new')).toBe('');
    // Reading the first page moved the last view: the badge is gone.
    await eventually(async () => expect(await badge.isHidden()).toBe(true));
    expect(await carol.page.getByRole('link', { name: 'Inbox', exact: true }).count()).toBe(1);
    expect((await carol.client.msgfeed.unread()).data).toMatchObject({ reply: 0, at: 0, like: 0 });
    await expectLabelled(carol.page);
    await screenshot(carol.page, 'inbox');

    await notice.getByRole('link', { name: 'Open in thread' }).click();
    await carol.page.waitForURL(`${s.url}/video/${archive.bvid}#reply${answer}`);
    const target = carol.page.locator(
      `.rp-thread[data-rpid="${mine}"] .rp-sub .rp-reply[data-rpid="${answer}"]`,
    );
    await target.waitFor();
    expect(await target.getAttribute('aria-current')).toBe('true');
    await eventually(async () =>
      expect(await target.evaluate((el) => el === document.activeElement)).toBe(true),
    );
    expect(await target.isVisible()).toBe(true);
    expect(
      await target.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      }),
    ).toBe(true);
    // It is on page 2 of the time-ordered list, and only that comment is highlighted.
    expect(await carol.page.getByRole('button', { name: 'Page 2' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await carol.page.getByRole('button', { name: 'Newest' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await carol.page.locator('.rp-reply[aria-current="true"]').count()).toBe(1);
    expect(await carol.page.locator('.unread-badge').isHidden()).toBe(true);
    await screenshot(carol.page, 'inbox-open-in-thread', false);
    expect(await carol.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(carol.foreign).toEqual([]);
    expect(carol.errors).toEqual([]);
    await carol.context.close();
  });

  it('answers and likes a notice inline, lists @ mentions and likes, and fits a 390 px screen', async () => {
    const erin = await openSignedIn(browser, s, 'erin', {}, { width: 390 });
    const root = (await erin.client.reply.add({ ...area(), message: 'Erin was here', plat: 1 })).data!.rpid;
    s.clock.advance(1);
    const answer = (
      await dave.client.reply.add({ ...area(), root, parent: root, message: 'Hi Erin, and @erin', plat: 1 })
    ).data!.rpid;
    await dave.client.reply.like({ ...area(), rpid: root, action: 1 });
    s.clock.advance(1);

    await erin.page.goto(`${s.url}/inbox`);
    const notice = erin.page.locator(`[role="tabpanel"]:not([hidden]) .notice[data-rpid="${answer}"]`);
    await notice.waitFor();
    const overflow = await erin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    // Like it from the notice.
    const like = notice.getByRole('button', { name: 'Like dave’s comment' });
    await like.click();
    await eventually(async () => expect(await like.getAttribute('aria-pressed')).toBe('true'));
    expect((await s.anonymous().reply.info({ ...area(), rpid: answer })).data).toMatchObject({ like: 1 });

    // Answer it inline: a reply in the same thread, to Dave's comment.
    await notice.getByRole('button', { name: 'Reply to dave' }).click();
    const box = notice.getByRole('textbox', { name: 'Your reply to dave' });
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await box.fill('Thanks Dave');
    await expectLabelled(erin.page);
    await notice.getByRole('button', { name: 'Post reply' }).click();
    await erin.page.getByText('Your reply to dave was posted.').waitFor();
    const daveFeed = (await dave.client.msgfeed.reply()).data!;
    expect(daveFeed.items[0]!.item).toMatchObject({
      root_id: root,
      target_id: answer,
      subject_id: archive.aid,
    });
    expect(daveFeed.items[0]!.item.source_content).toContain('Thanks Dave');

    // The @ tab (by keyboard) and the likes tab, each read on first open.
    await erin.page.getByRole('tab', { name: 'Replies' }).focus();
    await erin.page.keyboard.press('ArrowRight');
    expect(erin.page.url()).toBe(`${s.url}/inbox?tab=at`);
    const at = erin.page.getByRole('list', { name: 'Mentions of you, newest first' });
    await at.locator(`.notice[data-rpid="${answer}"]`).waitFor();
    expect(await at.locator('.notice-head').first().innerText()).toMatch(/^dave mentioned you/);
    await erin.page.getByRole('tab', { name: 'Likes' }).click();
    const likes = erin.page.getByRole('list', { name: 'Likes of your comments, latest first' });
    const card = likes.locator(`.notice[data-rpid="${root}"]`);
    await card.waitFor();
    expect(await card.locator('.notice-head').innerText()).toMatch(/^dave liked your comment/);
    expect(await card.getByRole('link', { name: 'Open in thread' }).getAttribute('href')).toBe(
      `/video/${archive.bvid}#reply${root}`,
    );
    await eventually(async () => expect(await erin.page.locator('.unread-badge').isHidden()).toBe(true));
    expect((await erin.client.msgfeed.unread()).data).toMatchObject({ reply: 0, at: 0, like: 0 });
    expect(
      await erin.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await screenshot(erin.page, 'inbox-mobile');
    expect(erin.foreign).toEqual([]);
    expect(erin.errors).toEqual([]);
    await erin.context.close();
  });

  it('pages a long feed with "Load more", and asks a signed-out visitor to sign in', async () => {
    const fran = await openSignedIn(browser, s, 'fran');
    const root = (await fran.client.reply.add({ ...area(), message: 'Fran starts a thread', plat: 1 })).data!
      .rpid;
    for (let i = 0; i < 23; i++) {
      s.clock.advance(1);
      await dave.client.reply.add({ ...area(), root, parent: root, message: `Reply number ${i}`, plat: 1 });
    }
    await fran.page.goto(`${s.url}/inbox?tab=reply`);
    const list = fran.page.getByRole('list', { name: 'Replies to you, newest first' });
    await list.locator('.notice').first().waitFor();
    expect(await list.locator('.notice').count()).toBe(20);
    expect(await list.locator('.notice-message').first().innerText()).toBe('Reply number 22');
    await fran.page.getByRole('button', { name: 'Load more' }).click();
    await eventually(async () => expect(await list.locator('.notice').count()).toBe(23));
    expect(await list.locator('.notice-message').last().innerText()).toBe('Reply number 0');
    expect(await fran.page.getByRole('button', { name: 'Load more' }).isHidden()).toBe(true);
    // Focus moved to the first notice of the new page.
    expect(
      await fran.page.evaluate(
        () => document.activeElement?.closest('.notice')?.querySelector('.notice-message')?.textContent,
      ),
    ).toBe('Reply number 2');
    await fran.context.close();

    const visitor = await openPage(browser, s);
    await visitor.page.goto(`${s.url}/inbox`);
    await visitor.page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect(await visitor.page.getByRole('heading', { name: 'Inbox' }).count()).toBe(1);
    expect(await visitor.page.locator('.inbox-link').count()).toBe(0);
    expect(visitor.errors).toEqual([]);
    await visitor.context.close();
  });

  it('e-mail notification settings: says when the server sends no mail, else saves the address and the opt-out', async () => {
    const gus = await openSignedIn(browser, s, 'gus');
    await gus.page.goto(`${s.url}/inbox`);
    const settings = gus.page.getByRole('region', { name: 'E-mail notifications' });
    await settings.getByText('This server sends no e-mail: no mail server is configured.').waitFor();
    await gus.context.close();

    // A server with a mail server configured (nothing is mailed here: no reply reaches this user).
    const mailing = await startWebServer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}` });
    try {
      const hal = await openSignedIn(browser, mailing, 'hal');
      await hal.page.goto(`${mailing.url}/inbox`);
      const region = hal.page.getByRole('region', { name: 'E-mail notifications' });
      const address = region.getByLabel('E-mail address');
      const wanted = region.getByLabel('E-mail me when someone replies to me or mentions me');
      await address.waitFor();
      expect(await address.inputValue()).toBe('');
      expect(await wanted.isChecked()).toBe(true);
      await expectLabelled(hal.page);

      // The browser's own check stops a malformed address before it is sent.
      await address.fill('not an address');
      await region.getByRole('button', { name: 'Save' }).click();
      expect(await address.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false);
      expect((await hal.client.get<{ data: unknown }>('/x/replay/notify/mail')).data).toMatchObject({
        email: '',
      });

      await address.fill('hal@example.org');
      await wanted.uncheck();
      await region.getByRole('button', { name: 'Save' }).click();
      await region.getByText('Saved: no e-mail notifications.').waitFor();
      expect((await hal.client.get<{ data: unknown }>('/x/replay/notify/mail')).data).toEqual({
        email: 'hal@example.org',
        opt_out: true,
        enabled: true,
      });
      await hal.page.reload();
      await eventually(async () => expect(await address.inputValue()).toBe('hal@example.org'));
      expect(await wanted.isChecked()).toBe(false);
      expect(hal.foreign).toEqual([]);
      expect(hal.errors).toEqual([]);
      await hal.context.close();
    } finally {
      await mailing.close();
    }
  });
});
