import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import { ADMIN_TOKEN } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import {
  describeBrowser,
  ensureWebBuilt,
  expectLabelled,
  launchChromium,
  openPage,
  openSignedIn,
  screenshot,
  startWebServer,
} from './browser-support.ts';

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/**
 * The interface words on a page that are not Chinese: every button, label, heading, legend, option and
 * accessible name, minus what is not interface text (user content, numbers, ids, the brand, a language
 * named in itself).
 */
async function untranslated(page: Page, allowed: readonly string[]): Promise<string[]> {
  const texts = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>(
      'button, label, h1, h2, h3, legend, option, th, caption, summary, [aria-label], [placeholder], [title]',
    )) {
      if (el.closest('.rp-message, .rp-uname, .rp-meta .rp-uname, .video-meta dd, .owner-card strong'))
        continue;
      if (el.matches('h1') && el.closest('.watch-main')) continue; // the video's title
      for (const value of [
        el.matches('[aria-label]') ? el.getAttribute('aria-label') : null,
        el.matches('[placeholder]') ? el.getAttribute('placeholder') : null,
        el.matches('[title]') ? el.getAttribute('title') : null,
        el.matches('button, label, h1, h2, h3, legend, option, th, caption, summary') ? el.innerText : null,
      ]) {
        if (value && value.trim()) out.push(value.trim());
      }
    }
    return out;
  });
  return texts.filter(
    (text) =>
      !/[\u4e00-\u9fff]/.test(text) &&
      !/^[\d\s.,:/%·…+×–-]*$/.test(text) &&
      !allowed.some((word) => text === word || text.startsWith(`${word} `)),
  );
}

/** Not interface text: the brand, the language named in itself, the uploader tag, ids, the video's title. */
const ALLOWED = [
  'Replay',
  'English',
  'UP',
  'LV1',
  'LV2',
  'LV3',
  'LV4',
  'LV5',
  'LV6',
  'P',
  'cid',
  'mid',
  'aid',
  'oid',
  '一个中文视频',
];

describeBrowser('the interface in Chinese (zh-CN) and the language switch', () => {
  let s: TestServer;
  let browser: Browser;
  let archive: AdminArchive;
  let owner: Awaited<ReturnType<TestServer['signedIn']>>;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startWebServer();
    browser = await launchChromium();
    owner = await s.signedIn('uploader-zh');
    archive = await s.admin.createArchive({
      title: '一个中文视频',
      owner_mid: owner.mid,
      desc: '用来看中文界面的演示视频。',
      pages: [
        { part: '开场', duration: 24 },
        { part: '正片', duration: 24 },
      ],
    });
    await s.admin.sensitiveWords.add('违禁词');
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a Chinese browser gets every page in Chinese, <html lang="zh-CN">', async () => {
    const v = await openSignedIn(browser, s, 'zh-viewer', {}, { locale: 'zh-CN' });
    // Something on every page: history, watch later, and a reply, a mention and a like in the inbox.
    await v.client.history.report({ aid: archive.aid, cid: archive.pages[1]!.cid, progress: 12 });
    await v.client.toview.add({ aid: archive.aid });
    const mine = await v.client.reply.add({
      type: 1,
      oid: archive.aid,
      message: '这个视频拍得真好',
      plat: 1,
    });
    const friend = await s.signedIn('zh-friend');
    const area = { type: 1, oid: archive.aid };
    const root = mine.data!.rpid;
    await friend.client.reply.add({ ...area, root, parent: root, message: '同意 @zh-viewer', plat: 1 });
    await friend.client.reply.like({ ...area, rpid: root, action: 1 });
    await v.page.goto(`${s.url}/`);
    await v.page.getByRole('heading', { name: '打开视频' }).waitFor();
    expect(await htmlLang(v.page)).toBe('zh-CN');
    expect(
      await v.page.getByRole('navigation', { name: '主导航' }).getByRole('link').allTextContents(),
    ).toEqual(['首页', '历史记录', '管理']);
    await v.page.getByRole('button', { name: '观看' }).waitFor();
    expect(await v.page.getByRole('combobox', { name: '语言' }).inputValue()).toBe('zh-CN');
    await v.page.getByRole('heading', { name: '继续观看' }).waitFor();
    await expectLabelled(v.page);
    expect(await untranslated(v.page, ALLOWED)).toEqual([]);

    const pages: [string, string][] = [
      ['/history', '历史记录'],
      ['/watchlater', '稍后再看'],
      ['/inbox', '消息'],
      ['/account', '我的账号'],
      ['/admin', '管理控制台'],
      ['/login', '你已登录'],
      ['/no/such/page', '页面不存在'],
    ];
    for (const [path, heading] of pages) {
      await v.page.goto(`${s.url}${path}`);
      await v.page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      expect(await htmlLang(v.page)).toBe('zh-CN');
      // Let the page's own requests land (lists, settings) before reading its words.
      await v.page.waitForLoadState('networkidle');
      expect({ path, untranslated: await untranslated(v.page, ALLOWED) }).toEqual({ path, untranslated: [] });
    }
    await v.context.close();
  });

  it('the watch page and its comment section speak Chinese; an API error says its code in Chinese', async () => {
    const v = await openSignedIn(browser, s, 'zh-commenter', {}, { locale: 'zh-CN' });
    await v.page.goto(`${s.url}/video/${archive.bvid}`);
    await v.page.getByRole('heading', { name: '一个中文视频' }).waitFor();
    await v.page.getByRole('heading', { name: /^评论/ }).waitFor();
    await v.page.getByRole('button', { name: '最热' }).waitFor();
    await v.page.getByRole('button', { name: '最新' }).waitFor();
    await v.page.getByRole('heading', { name: '分 P 列表（1/2）' }).waitFor();
    expect(await v.page.locator('.video-meta dt').allTextContents()).toEqual([
      '播放',
      '发布于',
      '编号',
      '分 P',
    ]);

    const box = v.page.getByRole('textbox', { name: '写评论' });
    await box.fill('你好，这是第一条评论');
    await v.page.getByRole('button', { name: '发布', exact: true }).click();
    await v.page.locator('.rp-message').filter({ hasText: '你好，这是第一条评论' }).waitFor();
    // The server refuses a blocked word (12016): the words are Chinese, the code is Bilibili's.
    await box.fill('这条评论里有违禁词');
    await v.page.getByRole('button', { name: '发布', exact: true }).click();
    await v.page.getByText('你的评论包含屏蔽词，请修改后再发。（错误码 12016）').waitFor();
    await expectLabelled(v.page);
    expect(await untranslated(v.page, [...ALLOWED, 'zh-commenter'])).toEqual([]);
    await screenshot(v.page, 'watch-zh-CN');
    await v.context.close();
  });

  it("the uploader's video stats speak Chinese", async () => {
    const o = await openPage(browser, s, { locale: 'zh-CN', cookies: { ...owner.client.cookies } });
    await o.page.goto(`${s.url}/video/${archive.bvid}`);
    await o.page.getByRole('link', { name: '视频数据' }).click();
    await o.page.getByRole('heading', { name: '视频数据', level: 1 }).waitFor();
    await o.page.getByRole('heading', { name: '留存：仍在观看的播放占比' }).waitFor();
    await o.page.getByText('完播率').waitFor();
    expect(await htmlLang(o.page)).toBe('zh-CN');
    expect(await untranslated(o.page, ALLOWED)).toEqual([]);
    await o.context.close();
  });

  it('the admin console speaks Chinese on every tab, report reasons included', async () => {
    const author = await s.signedIn('zh-author');
    const reporter = await s.signedIn('zh-reporter');
    const posted = await author.client.reply.add({
      type: 1,
      oid: archive.aid,
      message: 'report me',
      plat: 1,
    });
    const rpid = posted.data!.rpid;
    await reporter.client.reply.report({ type: 1, oid: archive.aid, rpid, reason: 1 });

    const b = await openPage(browser, s, { locale: 'zh-CN' });
    await b.page.addInitScript(`sessionStorage.setItem('replay.adminToken', '${ADMIN_TOKEN}')`);
    await b.page.goto(`${s.url}/admin`);
    await b.page.getByRole('heading', { name: '管理控制台', level: 1 }).waitFor();
    const tabs = await b.page.getByRole('tab').allTextContents();
    expect(tabs).toEqual(['用户', '稿件', '评论区', '评论', '举报', '操作日志', '敏感词', '表情包']);
    for (const tab of tabs) {
      await b.page.getByRole('tab', { name: tab, exact: true }).click();
      await b.page.waitForLoadState('networkidle');
      await b.page
        .locator(
          '[role="tabpanel"]:not([hidden]) .admin-list li, [role="tabpanel"]:not([hidden]) .package, [role="tabpanel"]:not([hidden]) .chips',
        )
        .first()
        .waitFor({ timeout: 3000 })
        .catch(() => undefined);
      expect({ tab, untranslated: await untranslated(b.page, ALLOWED) }).toEqual({ tab, untranslated: [] });
    }
    await b.page.getByRole('tab', { name: '举报', exact: true }).click();
    const card = b.page.locator(`.report[data-rpid="${rpid}"]`);
    await card.getByText('垃圾广告').waitFor();
    await card.getByText('待处理', { exact: true }).waitFor();
    await card.getByRole('button', { name: '驳回' }).click();
    await card.getByText(`评论 ${rpid} 的举报已驳回（1 条）。`).waitFor();
    await b.context.close();
  });

  it('a wrong password at sign-in is said in Chinese with the code', async () => {
    await s.admin.createUser({ uname: 'zh-signin', password: 'right-password-1' });
    const b = await openPage(browser, s, { locale: 'zh-CN' });
    await b.page.goto(`${s.url}/login`);
    await b.page.getByRole('heading', { name: '登录 Replay' }).waitFor();
    await b.page.getByRole('tab', { name: '用户名和密码' }).click();
    await b.page.getByLabel('用户名', { exact: true }).fill('zh-signin');
    await b.page.getByLabel('密码', { exact: true }).fill('wrong-password');
    await b.page.getByLabel('密码', { exact: true }).press('Enter');
    await b.page.getByText('用户名或密码错误。（错误码 -629）').waitFor();
    await b.context.close();
  });

  it('the switch in the top bar changes the language, and the choice is remembered', async () => {
    const b = await openPage(browser, s); // an English browser
    await b.page.goto(`${s.url}/video/${archive.bvid}`);
    await b.page.getByRole('heading', { name: 'Comments' }).waitFor();
    expect(await htmlLang(b.page)).toBe('en');
    const english = b.page.getByRole('combobox', { name: 'Language' });
    expect(await english.inputValue()).toBe('en');
    await Promise.all([b.page.waitForEvent('load'), english.selectOption('zh-CN')]);
    await b.page.getByRole('heading', { name: /^评论/ }).waitFor();
    expect(await htmlLang(b.page)).toBe('zh-CN');
    await b.page.getByRole('link', { name: '登录' }).first().waitFor();

    await b.page.reload();
    await b.page.getByRole('heading', { name: /^评论/ }).waitFor();
    await b.page.goto(`${s.url}/`);
    await b.page.getByRole('heading', { name: '打开视频' }).waitFor();
    expect(await htmlLang(b.page)).toBe('zh-CN');

    const chinese = b.page.getByRole('combobox', { name: '语言' });
    await Promise.all([b.page.waitForEvent('load'), chinese.selectOption('en')]);
    await b.page.getByRole('heading', { name: 'Open a video' }).waitFor();
    expect(await htmlLang(b.page)).toBe('en');
    expect(b.errors).toEqual([]);
    expect(b.foreign).toEqual([]);
    await b.context.close();
  });

  it('an English browser gets English, whatever else it lists after', async () => {
    const b = await openPage(browser, s, { locale: 'en-GB' });
    await b.page.goto(`${s.url}/login`);
    await b.page.getByRole('heading', { name: 'Sign in to Replay' }).waitFor();
    expect(await htmlLang(b.page)).toBe('en');
    await b.context.close();
  });
});
