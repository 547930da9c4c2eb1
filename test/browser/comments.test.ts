import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive, BiliClient } from '../../src/client/index.ts';
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

/** The comment section's thread of a root comment, found by its text. */
const thread = (page: Page, text: string): Locator =>
  page.locator('.rp-thread').filter({ has: page.locator('.rp-message', { hasText: text }) });

/** The <article> of one comment (root or reply), found by its text. */
const comment = (scope: Page | Locator, text: string): Locator => {
  // A `has` locator is relative to the filtered element, so it is made from the page, not the scope.
  const page = 'page' in scope && typeof scope.page === 'function' ? scope.page() : (scope as Page);
  return scope
    .locator('.rp-reply')
    .filter({ has: page.locator('.rp-message', { hasText: text }) })
    .first();
};

async function post(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Write a comment' });
  await box.fill(text);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
}

describeBrowser('comment section in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  let owner: { client: BiliClient; mid: number };
  const area = () => ({ type: 1, oid: archive.aid });

  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    owner = await s.signedIn('uploader');
    archive = await s.admin.createArchive({
      title: 'Comments test',
      owner_mid: owner.mid,
      pages: [{ part: 'Only part', duration: 24 }],
    });
    await s.signedIn('bob');
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('posts with an emote from the picker, renders text as text, highlights mentions, replies and votes', async () => {
    const alice = await openSignedIn(browser, s, 'alice');
    await alice.page.goto(`${s.url}/video/${archive.bvid}`);
    await alice.page.getByText('No comments yet. Be the first!').waitFor();

    const box = alice.page.getByRole('textbox', { name: 'Write a comment' });
    await box.fill('Hello <img src=x onerror="window.pwned=1"> @bob ');
    await alice.page.getByRole('button', { name: 'Emotes' }).click();
    const picker = alice.page.getByRole('group', { name: 'Emotes' });
    await picker.getByRole('button', { name: '[doge]' }).click();
    expect(await box.inputValue()).toBe('Hello <img src=x onerror="window.pwned=1"> @bob [doge]');
    await expectLabelled(alice.page);
    await alice.page.keyboard.press('Escape'); // focus is back in the text box; Escape only closes a picker
    await alice.page.getByRole('button', { name: 'Post', exact: true }).click();

    const mine = comment(alice.page, 'Hello');
    await mine.waitFor();
    const message = mine.locator('.rp-message');
    expect(await message.innerText()).toBe('Hello <img src=x onerror="window.pwned=1"> @bob ');
    expect(await message.locator('img').count()).toBe(1); // the emote only; the user's <img> stayed text
    const emote = message.locator('img.rp-emote');
    expect(await emote.getAttribute('alt')).toBe('[doge]');
    expect(new URL((await emote.getAttribute('src'))!).origin).toBe(s.url);
    expect(await message.locator('.rp-mention').textContent()).toBe('@bob');
    expect(await alice.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await alice.page.locator('.rp-count').textContent()).toBe('1');
    expect(await box.inputValue()).toBe('');

    // Bob likes it, then dislikes it (which takes the like back), then replies.
    const bob = await openSignedIn(browser, s, 'bob-browser');
    await bob.page.goto(`${s.url}/video/${archive.bvid}`);
    const target = comment(bob.page, 'Hello');
    const like = target.locator('.rp-like');
    const hate = target.locator('.rp-hate');
    await like.click();
    await eventually(async () => expect(await like.getAttribute('aria-pressed')).toBe('true'));
    expect(await like.getAttribute('aria-label')).toBe('Like: 1');
    await hate.click();
    await eventually(async () => expect(await hate.getAttribute('aria-pressed')).toBe('true'));
    expect(await like.getAttribute('aria-pressed')).toBe('false');
    expect(await like.getAttribute('aria-label')).toBe('Like: 0');
    await bob.page.reload();
    await eventually(async () =>
      expect(await comment(bob.page, 'Hello').locator('.rp-hate').getAttribute('aria-pressed')).toBe('true'),
    );
    await comment(bob.page, 'Hello').locator('.rp-like').click();
    await eventually(async () =>
      expect(await comment(bob.page, 'Hello').locator('.rp-like').getAttribute('aria-label')).toBe('Like: 1'),
    );
    const listed = (await s.anonymous().reply.list({ ...area() })).data!.replies![0]!;
    expect(listed).toMatchObject({ like: 1 });

    await comment(bob.page, 'Hello').getByRole('button', { name: 'Reply to alice' }).click();
    const replyBox = bob.page.getByRole('textbox', { name: 'Reply to alice' });
    await replyBox.fill('Thanks for the doge');
    await bob.page.getByRole('button', { name: 'Reply', exact: true }).click();
    const reply = comment(thread(bob.page, 'Hello').locator('.rp-sub'), 'Thanks for the doge');
    await reply.waitFor();
    // A reply to the reply: the server prefixes "回复 @uname :", and the mention is highlighted.
    await reply.getByRole('button', { name: 'Reply to bob-browser' }).click();
    await bob.page.getByRole('textbox', { name: 'Reply to bob-browser' }).fill('and to myself');
    await bob.page.getByRole('button', { name: 'Reply', exact: true }).click();
    const deep = comment(thread(bob.page, 'Hello').locator('.rp-sub'), 'and to myself');
    await deep.waitFor();
    expect(await deep.locator('.rp-message').innerText()).toBe('回复 @bob-browser :and to myself');
    expect(await deep.locator('.rp-mention').textContent()).toBe('@bob-browser');
    expect(await bob.page.locator('.rp-count').textContent()).toBe('3');

    // Alice sees the thread with its replies after a reload.
    await alice.page.reload();
    await comment(thread(alice.page, 'Hello').locator('.rp-sub'), 'and to myself').waitFor();
    await screenshot(alice.page, 'comments');
    expect([...alice.foreign, ...bob.foreign]).toEqual([]);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });

  it('says what went wrong in words: duplicate (12051) and too frequent (-509)', async () => {
    const carol = await openSignedIn(browser, s, 'carol');
    await carol.page.goto(`${s.url}/video/${archive.bvid}`);
    await post(carol.page, 'Same words twice');
    await comment(carol.page, 'Same words twice').waitFor();
    await post(carol.page, 'Same words twice');
    await carol.page
      .getByRole('alert')
      .filter({ hasText: 'Duplicate comment: you just posted the same text here. Don’t spam. (code 12051)' })
      .waitFor();
    // Four more comments within seconds (through the API), so the next one from the page is the sixth.
    for (let i = 0; i < 4; i++)
      expect((await carol.client.reply.add({ ...area(), message: `burst ${i}` })).code).toBe(0);
    await post(carol.page, 'One too many');
    await carol.page
      .getByRole('alert')
      .filter({
        hasText: 'Too frequent: you are doing this too fast. Wait a moment and try again. (code -509)',
      })
      .waitFor();
    expect(await carol.page.getByRole('textbox', { name: 'Write a comment' }).inputValue()).toBe(
      'One too many',
    );
    await carol.context.close();
  });

  it('the owner pins and deletes, an author deletes their own, and a report goes through the reason list', async () => {
    const dave = await openSignedIn(browser, s, 'dave');
    const pinMe = (await dave.client.reply.add({ ...area(), message: 'Pin me please' })).data!.rpid;
    await dave.client.reply.add({ ...area(), message: 'Spam spam spam' });
    await dave.client.reply.add({ ...area(), message: 'My own mistake' });

    const up = await openPage(browser, s, { cookies: { ...owner.client.cookies } });
    await up.page.goto(`${s.url}/video/${archive.bvid}`);
    await comment(up.page, 'Pin me please').getByRole('button', { name: 'Pin the comment by dave' }).click();
    const first = up.page.locator('.rp-list > .rp-thread').first();
    await first.locator('.rp-pinned', { hasText: 'Pinned' }).waitFor();
    expect(await first.locator('.rp-message').first().textContent()).toBe('Pin me please');
    expect((await s.anonymous().reply.list({ ...area() })).data!.upper.top!.rpid).toBe(pinMe);

    const before = Number(await up.page.locator('.rp-count').textContent());
    await comment(up.page, 'Spam spam spam')
      .getByRole('button', { name: 'Delete the comment by dave' })
      .click();
    await up.page
      .getByRole('dialog', { name: 'Delete this comment?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await comment(up.page, 'Spam spam spam').waitFor({ state: 'detached' });
    expect(await up.page.locator('.rp-count').textContent()).toBe(String(before - 1));
    const after = (await s.anonymous().reply.list({ ...area(), ps: 20 })).data!;
    expect(after.replies!.map((r) => r.content.message)).not.toContain('Spam spam spam');

    // Dave may delete his own comment but not the pinned state; he has no Pin button.
    await dave.page.goto(`${s.url}/video/${archive.bvid}`);
    expect(await dave.page.getByRole('button', { name: /^Pin / }).count()).toBe(0);
    await comment(dave.page, 'My own mistake')
      .getByRole('button', { name: 'Delete the comment by dave' })
      .click();
    await dave.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await comment(dave.page, 'My own mistake').waitFor({ state: 'detached' });
    // Not someone else's: no Delete on the uploader-free comments of others.
    expect(
      await comment(dave.page, 'Hello')
        .getByRole('button', { name: /^Delete/ })
        .count(),
    ).toBe(0);

    // Dave reports alice's comment: reasons listed, "other" needs words, and twice is refused.
    await comment(dave.page, 'Hello').getByRole('button', { name: 'Report the comment by alice' }).click();
    const dialog = dave.page.getByRole('dialog', { name: 'Report the comment by alice' });
    expect(await dialog.getByRole('radio').count()).toBe(18);
    await dialog.getByRole('radio', { name: 'Other (describe it)' }).check();
    await dialog.getByRole('textbox').fill('x');
    await dialog.getByRole('button', { name: 'Report' }).click();
    await dialog.getByText('For “other”, describe the reason in 2 to 200 characters. (code 12077)').waitFor();
    await dialog.getByRole('radio', { name: 'Spam or advertising' }).check();
    await dialog.getByRole('button', { name: 'Report' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The thanks is beside the Report button that was pressed, not at the top of the section.
    await comment(dave.page, 'Hello')
      .locator('.rp-actions')
      .getByRole('status')
      .filter({ hasText: 'Thanks: the comment was reported.' })
      .waitFor();
    const reports = await s.admin.moderation.reports();
    expect(reports.items.find((r) => r.reporter_mid === dave.mid)).toMatchObject({
      reason: 1,
      status: 'pending',
    });
    await comment(dave.page, 'Hello').getByRole('button', { name: 'Report the comment by alice' }).click();
    await dave.page.getByRole('dialog').getByRole('radio', { name: 'Flooding' }).check();
    await dave.page.getByRole('dialog').getByRole('button', { name: 'Report' }).click();
    await dave.page
      .getByRole('dialog')
      .getByText('You already reported this comment. (code 12008)')
      .waitFor();
    await screenshot(dave.page, 'comments-report', false);

    // The owner unpins.
    await up.page.reload();
    await comment(up.page, 'Pin me please')
      .getByRole('button', { name: 'Unpin the comment by dave' })
      .click();
    await eventually(async () => expect(await up.page.locator('.rp-pinned').count()).toBe(0));
    expect((await s.anonymous().reply.list({ ...area() })).data!.upper.top).toBeNull();
    await up.context.close();
    await dave.context.close();
  });

  it('pinning a second comment offers to replace the pin; refusals and failures show beside their button', async () => {
    const other = await s.admin.createArchive({
      title: 'Pins',
      owner_mid: owner.mid,
      pages: [{ part: 'p', duration: 24 }],
    });
    const pins = { type: 1, oid: other.aid };
    const erin = await s.signedIn('pin-author');
    const first = (await erin.client.reply.add({ ...pins, message: 'First to be pinned' })).data!.rpid;
    const second = (await erin.client.reply.add({ ...pins, message: 'Second to be pinned' })).data!.rpid;
    expect((await owner.client.reply.top({ ...pins, rpid: first, action: 1 })).code).toBe(0);

    const up = await openPage(browser, s, { cookies: { ...owner.client.cookies }, width: 390 });
    await up.page.goto(`${s.url}/video/${other.bvid}`);
    await comment(up.page, 'Second to be pinned')
      .getByRole('button', { name: 'Pin the comment by pin-author' })
      .click();
    // The server refuses a second pin (12029); the page asks instead of failing. Cancel keeps the old pin.
    const ask = up.page.getByRole('dialog', { name: 'Replace the pinned comment?' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await s.anonymous().reply.list({ ...pins })).data!.upper.top!.rpid).toBe(first);
    expect(await up.page.locator('.rp-comments > .rp-error').textContent()).toBe('');

    await comment(up.page, 'Second to be pinned')
      .getByRole('button', { name: 'Pin the comment by pin-author' })
      .click();
    await ask.getByRole('button', { name: 'Replace' }).click();
    const top = up.page.locator('.rp-list > .rp-thread').first();
    await top.locator('.rp-message', { hasText: 'Second to be pinned' }).waitFor();
    await top.locator('.rp-pinned').waitFor();
    expect(await up.page.locator('.rp-pinned').count()).toBe(1);
    expect((await s.anonymous().reply.list({ ...pins })).data!.upper.top!.rpid).toBe(second);

    // A delete the server refuses (the comment went meanwhile) says so beside its Delete button.
    expect((await erin.client.reply.del({ ...pins, rpid: first })).code).toBe(0);
    await comment(up.page, 'First to be pinned')
      .getByRole('button', { name: 'Delete the comment by pin-author' })
      .click();
    await up.page
      .getByRole('dialog', { name: 'Delete this comment?' })
      .getByRole('button', { name: 'Delete' })
      .click();
    const note = comment(up.page, 'First to be pinned').locator('.rp-actions').getByRole('status');
    await eventually(async () => expect(await note.textContent()).toMatch(/\(code -?\d+\)$/));
    expect(await up.page.locator('.rp-comments > .rp-error').textContent()).toBe('');
    await screenshot(up.page, 'comments-pin-replace', false);
    expect(up.errors).toEqual([]);
    await up.context.close();

    // Signed out, a like is refused beside the like button.
    const visitor = await openPage(browser, s);
    await visitor.page.goto(`${s.url}/video/${other.bvid}`);
    await comment(visitor.page, 'Second to be pinned').locator('.rp-like').click();
    await comment(visitor.page, 'Second to be pinned')
      .locator('.rp-actions')
      .getByRole('status')
      .filter({ hasText: '(code -101)' })
      .waitFor();
    await visitor.context.close();
  });

  it('hot and newest order the list; sub-replies page', async () => {
    const other = await s.admin.createArchive({
      title: 'Paging',
      owner_mid: owner.mid,
      pages: [{ part: 'p', duration: 24 }],
    });
    const a = { type: 1, oid: other.aid };
    const users = await Promise.all([0, 1, 2, 3].map((i) => s.signedIn(`pager${i}`)));
    const liked = (await users[0]!.client.reply.add({ ...a, message: 'Older but liked' })).data!.rpid;
    await users[1]!.client.reply.like({ ...a, rpid: liked, action: 1 });
    await users[1]!.client.reply.add({ ...a, message: 'Newer, no likes' });
    for (let i = 0; i < 13; i++) {
      const by = users[i % 4]!.client;
      expect((await by.reply.add({ ...a, message: `reply ${i + 1}`, root: liked, parent: liked })).code).toBe(
        0,
      );
    }

    const b = await openPage(browser, s);
    await b.page.goto(`${s.url}/video/${other.bvid}`);
    const firstText = () =>
      b.page.locator('.rp-list > .rp-thread').first().locator('.rp-message').first().textContent();
    await eventually(async () => expect(await firstText()).toBe('Older but liked'));
    await b.page.getByRole('button', { name: 'Newest' }).click();
    await eventually(async () => expect(await firstText()).toBe('Newer, no likes'));
    expect(await b.page.getByRole('button', { name: 'Newest' }).getAttribute('aria-pressed')).toBe('true');
    await b.page.getByRole('button', { name: 'Hot' }).click();
    await eventually(async () => expect(await firstText()).toBe('Older but liked'));

    const t = thread(b.page, 'Older but liked');
    await t.getByRole('button', { name: /13 replies in total/ }).click();
    await eventually(async () => expect(await t.locator('.rp-sub-list > li').count()).toBe(10));
    expect(await t.locator('.rp-sub-list .rp-message').first().textContent()).toBe('reply 1');
    await t.getByRole('button', { name: 'Page 2' }).click();
    await eventually(async () => expect(await t.locator('.rp-sub-list > li').count()).toBe(3));
    expect(await t.locator('.rp-sub-list .rp-message').last().textContent()).toBe('reply 13');
    // Anonymous: reading works, writing asks to sign in.
    await b.page.getByRole('link', { name: 'Sign in', exact: true }).first().waitFor();
    expect(await b.page.getByRole('textbox', { name: 'Write a comment' }).count()).toBe(0);
    await b.context.close();
  });

  it('embeds on another page with one element and one script tag; a closed area says so', async () => {
    const embedded = await s.admin.createArchive({
      title: 'Embedded',
      owner_mid: owner.mid,
      pages: [{ part: 'p', duration: 24 }],
    });
    const erin = await openSignedIn(browser, s, 'erin');
    await erin.client.reply.add({ type: 1, oid: embedded.aid, message: 'Seen from a blog post' });
    // A page of the same origin that Replay does not serve (as behind a reverse proxy).
    const html = `<!doctype html><html><head><title>My blog</title></head><body><h1>My blog post</h1>
<p>Some text.</p>
<div data-replay-comments data-type="1" data-oid="${embedded.aid}"></div>
<script type="module" src="/embed/comments.js"></script></body></html>`;
    await erin.page.route(`${s.url}/blog/post.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: html }),
    );
    await erin.page.goto(`${s.url}/blog/post.html`);
    await comment(erin.page, 'Seen from a blog post').waitFor();
    await post(erin.page, 'Posted from the embed');
    await comment(erin.page, 'Posted from the embed').waitFor();
    expect(await erin.page.locator('[data-replay-comments] .rp-count').textContent()).toBe('2');
    await screenshot(erin.page, 'comments-embed');

    await s.admin.putArea(1, embedded.aid, { owner_mid: owner.mid, closed: true });
    await erin.page.reload();
    await erin.page.getByText('Comments are closed here.').waitFor();
    expect(await erin.page.getByRole('textbox', { name: 'Write a comment' }).count()).toBe(0);
    await comment(erin.page, 'Seen from a blog post').waitFor();
    expect(erin.foreign).toEqual([]);
    expect(erin.errors).toEqual([]);
    await erin.context.close();
  });
});
