import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError, createAdminClient } from '../../src/client/index.ts';
import type { EmotePackageWire } from '../../src/client/index.ts';
import { ManualClock } from '../../src/services/clock.ts';
import { createServices } from '../../src/services/services.ts';
import { Store } from '../../src/store/store.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

async function adminError(promise: Promise<unknown>): Promise<AdminApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AdminApiError) return error;
    throw error;
  }
  throw new Error('expected the admin API to fail');
}

const ASSETS = new URL('../../assets/emotes/', import.meta.url);

/** A 1×1 PNG and a 1×1 GIF, base64. */
const PNG_1PX =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const GIF_1PX = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

const PACKAGE_KEYS = ['attr', 'emote', 'flags', 'id', 'meta', 'mtime', 'text', 'type', 'url'];
const PANEL_EMOTE_KEYS = ['attr', 'flags', 'id', 'meta', 'mtime', 'package_id', 'text', 'type', 'url'];
const EMOTE_KEYS = [
  'attr',
  'id',
  'jump_title',
  'meta',
  'mtime',
  'package_id',
  'state',
  'text',
  'type',
  'url',
];

describe.each(dialects())('emotes and sensitive words (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => s.close());

  /** Fetches a URL Replay handed out (built on the configured public URL) from the test server. */
  const fetchHandedOut = (url: string) => fetch(`${s.url}${new URL(url).pathname}`);

  describe('GET /x/emote/user/panel/web', () => {
    it('anonymous: the shipped free packages, locked, with the §5.2 shapes', async () => {
      const body = await s.anonymous().emote.panel('reply');
      expect(body.code).toBe(0);
      expect(body.message).toBe('0');
      expect(body.ttl).toBe(1);
      expect(Object.keys(body.data!)).toEqual(['packages']);
      const [smileys, kaomoji, ...rest] = body.data!.packages;
      expect(rest).toEqual([]);
      expect(Object.keys(smileys!).sort()).toEqual(PACKAGE_KEYS);
      expect(smileys).toMatchObject({
        id: 1,
        text: '小黄脸',
        type: 1,
        attr: 0,
        meta: { size: 1, item_id: 0 },
        flags: { added: false },
        url: `${s.config.publicUrl}/bfs/emote/weixiao.png`,
      });
      expect(smileys!.emote.length).toBeGreaterThanOrEqual(20);
      for (const emote of smileys!.emote) {
        expect(Object.keys(emote).sort()).toEqual(PANEL_EMOTE_KEYS);
        expect(emote.package_id).toBe(1);
        expect(emote.type).toBe(1);
        expect(emote.text).toMatch(/^\[[^[\]]+\]$/);
        expect(emote.url).toMatch(new RegExp(`^${s.config.publicUrl}/bfs/emote/[a-z]+\\.png$`));
        expect(emote.meta).toEqual({ size: 1 });
        expect(emote.flags).toEqual({ no_access: true });
        expect(typeof emote.mtime).toBe('number');
      }
      const ids = Object.fromEntries(smileys!.emote.map((e) => [e.text, e.id]));
      expect(ids).toMatchObject({
        '[微笑]': 1,
        '[大哭]': 5,
        '[doge]': 26,
        '[滑稽]': 27,
        '[加油武汉]': 1901,
        '[口罩]': 1906,
        '[笑]': 1958,
        '[视频卫星]': 2126,
        '[辣眼睛]': 2374,
      });
      expect(new Set(smileys!.emote.map((e) => e.id)).size).toBe(smileys!.emote.length);

      expect(kaomoji).toMatchObject({ id: 4, text: '颜文字', type: 4, flags: { added: false } });
      expect(kaomoji!.emote.length).toBeGreaterThanOrEqual(20);
      for (const emote of kaomoji!.emote) {
        // A kaomoji's url is the kaomoji itself (§5.2).
        expect(emote.url).toBe(emote.text);
        expect(emote.type).toBe(4);
      }
    });

    it('business is required and must be reply or dynamic (-400 naming it)', async () => {
      const client = s.anonymous();
      const missing = await client.get<{ code: number; message: string }>('/x/emote/user/panel/web');
      expect(missing).toMatchObject({ code: -400, ttl: 1 });
      expect(missing.message).toContain('business');
      const wrong = await client.get<{ code: number; message: string }>('/x/emote/user/panel/web', {
        business: 'danmaku',
      });
      expect(wrong.code).toBe(-400);
      expect(wrong.message).toContain('business');
      expect((await client.emote.panel('dynamic')).code).toBe(0);
    });

    it('an expired or unknown SESSDATA is anonymous, not -101', async () => {
      const stranger = s.anonymous();
      stranger.cookies['SESSDATA'] = 'no-such-session';
      const body = await stranger.emote.panel();
      expect(body.code).toBe(0);
      expect(body.data!.packages.map((p) => p.id)).toEqual([1, 4]);
    });
  });

  describe('admin: /admin/api/v1/emote-packages', () => {
    it('answers 401 without the token on every route', async () => {
      const wrong = createAdminClient({ baseUrl: s.url, token: 'wrong-token-wrong-token' });
      for (const call of [
        () => wrong.emotes.list(),
        () => wrong.emotes.get(1),
        () =>
          wrong.emotes.create({
            text: 'x',
            emotes: [{ text: '[x]', image: { url: 'https://e.test/x.png' } }],
          }),
        () => wrong.emotes.delete(1),
      ]) {
        expect((await adminError(call())).status).toBe(401);
      }
      const none = await fetch(`${s.url}/admin/api/v1/emote-packages`);
      expect(none.status).toBe(401);
      expect((await s.admin.emotes.list()).items.map((p) => p.id)).toEqual([1, 4]);
    });

    it('is described in the OpenAPI document; the Bilibili emote paths are not', async () => {
      const doc = (await (await fetch(`${s.url}/admin/api/docs/json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      expect(Object.keys(doc.paths['/admin/api/v1/emote-packages']!).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/admin/api/v1/emote-packages/{id}']!).sort()).toEqual(['delete', 'get']);
      expect(Object.keys(doc.paths['/admin/api/v1/sensitive-words']!).sort()).toEqual(['get', 'post']);
      expect(Object.keys(doc.paths['/admin/api/v1/sensitive-words/{id}']!)).toEqual(['delete']);
      expect(doc.paths['/x/emote/user/panel/web']).toBeUndefined();
    });

    it('lists the shipped packages as builtin and refuses to delete them (409)', async () => {
      const pkg = await s.admin.emotes.get(1);
      expect(pkg).toMatchObject({ id: 1, text: '小黄脸', type: 1, size: 1, builtin: true });
      expect(pkg.emotes.find((e) => e.text === '[大哭]')).toEqual({
        id: 5,
        text: '[大哭]',
        alias: null,
        jump_title: '大哭',
        url: `${s.config.publicUrl}/bfs/emote/daku.png`,
      });
      expect(await adminError(s.admin.emotes.delete(1))).toMatchObject({ status: 409, body: { code: -409 } });
      expect((await adminError(s.admin.emotes.get(424242))).status).toBe(404);
      expect((await adminError(s.admin.emotes.delete(424242))).status).toBe(404);
    });

    it('creates a package from links and uploads; uploads are stored and served by Replay', async () => {
      const created = await s.admin.emotes.create({
        text: '测试包',
        size: 2,
        emotes: [
          { text: '[测试包_赞]', alias: '赞', image: { data: PNG_1PX } },
          { text: '测试包_动', image: { data: `data:image/gif;base64,${GIF_1PX}` } },
          { text: '[测试包_链]', image: { url: 'https://img.example.test/chain.png' } },
        ],
      });
      expect(created).toMatchObject({ text: '测试包', type: 1, size: 2, builtin: false });
      expect(created.id).toBeGreaterThanOrEqual(1001);
      expect(created.emotes.map((e) => e.text)).toEqual(['[测试包_赞]', '[测试包_动]', '[测试包_链]']);
      expect(created.emotes[0]).toMatchObject({ alias: '赞', jump_title: '赞' });
      expect(created.emotes[1]).toMatchObject({ alias: null, jump_title: '测试包_动' });
      expect(created.emotes[0]!.id).toBeGreaterThanOrEqual(100_001);
      expect(created.emotes[1]!.id).toBe(created.emotes[0]!.id + 1);
      const [png, gif, link] = created.emotes.map((e) => e.url);
      expect(png).toMatch(new RegExp(`^${s.config.publicUrl}/bfs/emote/[0-9a-f]{40}\\.png$`));
      expect(gif).toMatch(/\/bfs\/emote\/[0-9a-f]{40}\.gif$/);
      expect(link).toBe('https://img.example.test/chain.png');
      expect(created.icon_url).toBe(png);

      const pngResponse = await fetchHandedOut(png!);
      expect(pngResponse.status).toBe(200);
      expect(pngResponse.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await pngResponse.arrayBuffer())).toEqual(Buffer.from(PNG_1PX, 'base64'));
      const gifResponse = await fetchHandedOut(gif!);
      expect(gifResponse.headers.get('content-type')).toBe('image/gif');
      expect(Buffer.from(await gifResponse.arrayBuffer())).toEqual(Buffer.from(GIF_1PX, 'base64'));

      expect(await s.admin.emotes.get(created.id)).toEqual(created);
      expect((await s.admin.emotes.list()).items.map((p) => p.id)).toEqual([1, 4, created.id]);

      // The escape table sees the new emotes at once.
      const resolved = await s.services.emotes.resolve('好[测试包_赞]');
      expect(resolved['[测试包_赞]']).toMatchObject({
        id: created.emotes[0]!.id,
        package_id: created.id,
        type: 1,
        url: png,
        meta: { size: 2, alias: '赞' },
        jump_title: '赞',
      });

      // Free packages are on the anonymous panel too.
      const panel = await s.anonymous().emote.panel();
      const shown = panel.data!.packages.find((p) => p.id === created.id)!;
      expect(shown).toMatchObject({ text: '测试包', url: png, type: 1, meta: { size: 2, item_id: 0 } });
      expect(shown.emote[0]).toEqual({
        id: created.emotes[0]!.id,
        package_id: created.id,
        text: '[测试包_赞]',
        url: png,
        mtime: created.mtime,
        type: 1,
        attr: 0,
        meta: { size: 2, alias: '赞' },
        flags: { no_access: true },
      });

      await s.admin.emotes.delete(created.id);
      expect((await adminError(s.admin.emotes.get(created.id))).status).toBe(404);
      expect(await s.services.emotes.resolve('[测试包_赞]')).toEqual({});
      // The upload nothing refers to any more is gone with its package.
      const after = await fetchHandedOut(png!);
      expect(after.status).toBe(404);
      expect(await after.json()).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
    });

    it('rejects bad packages: 400 for bad input, 409 for a taken escape or id', async () => {
      const bad = async (pkg: unknown) =>
        (await adminError(s.admin.request('POST', '/emote-packages', pkg))).status;
      const img = { url: 'https://img.example.test/a.png' };
      expect(await bad({ text: 'p', emotes: [] })).toBe(400);
      expect(await bad({ text: '', emotes: [{ text: '[a1]', image: img }] })).toBe(400);
      expect(await bad({ text: 'p', emotes: [{ text: '[a1]' }] })).toBe(400);
      expect(await bad({ text: 'p', emotes: [{ text: '[a[1]', image: img }] })).toBe(400);
      expect(await bad({ text: 'p', emotes: [{ text: '[a1]', image: { data: 'not base64!' } }] })).toBe(400);
      expect(
        await bad({
          text: 'p',
          emotes: [{ text: '[a1]', image: { data: Buffer.from('hello').toString('base64') } }],
        }),
      ).toBe(400);
      expect(await bad({ text: 'p', emotes: [{ text: '[a1]', image: { ...img, data: PNG_1PX } }] })).toBe(
        400,
      );
      expect(await bad({ text: 'p', emotes: [{ text: '[a1]', image: { url: 'ftp://x/a.png' } }] })).toBe(400);
      expect(await bad({ text: 'p', type: 4, emotes: [{ text: '(^_^)', image: img }] })).toBe(400);
      expect(await bad({ text: 'p', type: 5, emotes: [{ text: '[a1]', image: img }] })).toBe(400);
      expect(
        await bad({
          text: 'p',
          emotes: [
            { text: '[a1]', image: img },
            { text: 'a1', image: img },
          ],
        }),
      ).toBe(400);
      expect(await bad({ text: 'p', emotes: [{ text: '[a1]', image: img }], extra: true })).toBe(400);

      const taken = await adminError(
        s.admin.emotes.create({ text: 'p', emotes: [{ text: '[大哭]', image: img }] }),
      );
      expect(taken).toMatchObject({ status: 409, body: { code: -409 } });
      expect(taken.body.message).toContain('[大哭]');
      const mine = await s.admin.emotes.create({
        id: 5000,
        text: 'p',
        emotes: [{ text: '[p_1]', image: img }],
      });
      expect(mine.id).toBe(5000);
      expect(
        (
          await adminError(
            s.admin.emotes.create({ id: 5000, text: 'q', emotes: [{ text: '[q_1]', image: img }] }),
          )
        ).status,
      ).toBe(409);
      await s.admin.emotes.delete(5000);
    });

    it('a kaomoji package: text is the kaomoji, url is the text, never resolved as an escape', async () => {
      const pkg = await s.admin.emotes.create({
        text: '我的颜文字',
        type: 4,
        emotes: [{ text: '(ᗒᗨᗕ)' }, { text: '[括号]' }],
      });
      expect(pkg.emotes.map((e) => [e.text, e.url])).toEqual([
        ['(ᗒᗨᗕ)', '(ᗒᗨᗕ)'],
        ['[括号]', '[括号]'],
      ]);
      expect(await s.services.emotes.resolve('[括号](ᗒᗨᗕ)')).toEqual({});
      await s.admin.emotes.delete(pkg.id);
    });
  });

  describe('panel per viewer: VIP-only and purchased packages', () => {
    let vipPackage: number;
    let boughtPackage: number;
    beforeAll(async () => {
      const img = { url: 'https://img.example.test/v.png' };
      vipPackage = (
        await s.admin.emotes.create({
          text: '大会员',
          type: 2,
          emotes: [{ text: '[大会员_耶]', image: img }],
        })
      ).id;
      boughtPackage = (
        await s.admin.emotes.create({
          text: '装扮',
          type: 3,
          size: 2,
          emotes: [{ text: '[装扮_哇]', image: img }],
        })
      ).id;
    });
    afterAll(async () => {
      await s.admin.emotes.delete(vipPackage);
      await s.admin.emotes.delete(boughtPackage);
    });

    const byId = (packages: EmotePackageWire[], id: number) => packages.find((p) => p.id === id);

    it('anonymous callers get neither', async () => {
      const packages = (await s.anonymous().emote.panel()).data!.packages;
      expect(packages.map((p) => p.id)).toEqual([1, 4]);
    });

    it('a signed-in non-VIP sees every package as added; VIP-only emotes locked', async () => {
      const { client } = await s.signedIn();
      const packages = (await client.emote.panel()).data!.packages;
      expect(packages.map((p) => p.id)).toEqual([1, 4, vipPackage, boughtPackage]);
      for (const p of packages) expect(p.flags).toEqual({ added: true });
      expect(byId(packages, 1)!.emote[0]!.flags).toEqual({});
      expect(byId(packages, vipPackage)).toMatchObject({
        type: 2,
        emote: [{ text: '[大会员_耶]', type: 2, flags: { no_access: true } }],
      });
      expect(byId(packages, boughtPackage)).toMatchObject({
        type: 3,
        meta: { size: 2 },
        emote: [{ flags: {} }],
      });
    });

    it('an active VIP (also over access_key) has access to VIP-only emotes', async () => {
      const { accessKey } = await s.signedIn(undefined, {
        vip_type: 1,
        vip_due_date: s.clock.nowMs() + 86400_000,
      });
      const app = s.anonymous();
      app.accessKey = accessKey;
      const packages = (await app.emote.panel()).data!.packages;
      expect(byId(packages, vipPackage)!.emote[0]!.flags).toEqual({});
      expect(byId(packages, vipPackage)!.flags).toEqual({ added: true });
    });

    it('an expired VIP is locked again', async () => {
      const { client } = await s.signedIn(undefined, { vip_type: 2, vip_due_date: s.clock.nowMs() - 1000 });
      const packages = (await client.emote.panel()).data!.packages;
      expect(byId(packages, vipPackage)!.emote[0]!.flags).toEqual({ no_access: true });
    });
  });

  describe('GET /x/emote/package', () => {
    it('returns the packages asked for, in order; null when none exists', async () => {
      const client = s.anonymous();
      const both = await client.emote.packages([4, 1, 4]);
      expect(both.code).toBe(0);
      expect(both.data!.packages.map((p) => p.id)).toEqual([4, 1]);
      expect(Object.keys(both.data!.packages[0]!).sort()).toEqual(PACKAGE_KEYS);
      const some = await client.emote.packages([999_999, 1]);
      expect(some.data!.packages.map((p) => p.id)).toEqual([1]);
      expect(await client.emote.packages([999_999])).toEqual({ code: 0, message: '0', ttl: 1, data: null });
    });

    it('-400 for a missing or malformed ids or business', async () => {
      const client = s.anonymous();
      for (const params of [
        { business: 'reply' },
        { ids: '1' },
        { business: 'reply', ids: '1,x' },
        { business: 'reply', ids: '0' },
        { business: 'reply', ids: '' },
        { business: 'nope', ids: '1' },
      ]) {
        const body = await client.get<{ code: number; message: string }>('/x/emote/package', params);
        expect(body.code, JSON.stringify(params)).toBe(-400);
        expect(body.message).toMatch(/ids|business/);
      }
    });
  });

  describe('GET /bfs/emote/<file>', () => {
    it('serves the shipped images byte for byte as PNG', async () => {
      for (const file of ['weixiao.png', 'daku.png', 'doge.png', 'kaomoji.png']) {
        const response = await fetch(`${s.url}/bfs/emote/${file}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(response.headers.get('cache-control')).toContain('max-age=');
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(bytes).toEqual(readFileSync(new URL(file, ASSETS)));
        expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
        // IHDR: 96 × 96, 8-bit RGBA.
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20), bytes[24], bytes[25]]).toEqual([
          96, 96, 8, 6,
        ]);
      }
    });

    it('every emote url of the panel is served', async () => {
      const packages = (await s.anonymous().emote.panel()).data!.packages;
      const urls = [packages[0]!.url, packages[1]!.url, ...packages[0]!.emote.map((e) => e.url)];
      for (const url of urls) expect((await fetchHandedOut(url)).status, url).toBe(200);
    });

    it('404 with the envelope for unknown files and path tricks', async () => {
      for (const file of ['nope.png', '..%2Fnoface.png', '0000000000000000000000000000000000000000.png']) {
        const response = await fetch(`${s.url}/bfs/emote/${file}`);
        expect(response.status).toBe(404);
        expect(await response.json()).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
      }
    });
  });

  describe('services.emotes.resolve', () => {
    it('known escapes in order of first use, once each; unknown ones are plain text', async () => {
      const resolved = await s.services.emotes.resolve('[doge]前[大哭][不存在][doge][[滑稽]] [大哭]');
      expect(Object.keys(resolved)).toEqual(['[doge]', '[大哭]', '[滑稽]']);
      expect(resolved['[大哭]']).toEqual({
        id: 5,
        package_id: 1,
        state: 0,
        type: 1,
        attr: 0,
        text: '[大哭]',
        url: `${s.config.publicUrl}/bfs/emote/daku.png`,
        meta: { size: 1 },
        mtime: resolved['[大哭]']!.mtime,
        jump_title: '大哭',
      });
      for (const emote of Object.values(resolved)) expect(Object.keys(emote).sort()).toEqual(EMOTE_KEYS);
      expect(resolved['[doge]']!.id).toBe(26);
      expect(resolved['[滑稽]']!.id).toBe(27);
    });

    it('no escapes, or only unknown ones: {}', async () => {
      expect(await s.services.emotes.resolve('plain text')).toEqual({});
      expect(await s.services.emotes.resolve('[nope] [] [ 大哭 ] [大哭')).toEqual({});
    });
  });

  describe('admin: /admin/api/v1/sensitive-words and the matcher', () => {
    it('answers 401 without the token on every route', async () => {
      const wrong = createAdminClient({ baseUrl: s.url, token: 'wrong-token-wrong-token' });
      expect((await adminError(wrong.sensitiveWords.list())).status).toBe(401);
      expect((await adminError(wrong.sensitiveWords.add('x'))).status).toBe(401);
      expect((await adminError(wrong.sensitiveWords.delete(1))).status).toBe(401);
      expect((await s.admin.sensitiveWords.list()).total).toBe(0);
    });

    it('adds one or many, lists, deletes; normalised duplicates are reported as existing', async () => {
      const one = await s.admin.sensitiveWords.add('BadWord');
      expect(one.existing).toEqual([]);
      expect(one.added).toEqual([
        {
          id: one.added[0]!.id,
          word: 'BadWord',
          normalized: 'badword',
          created_at: Math.floor(s.clock.nowMs() / 1000),
        },
      ]);
      const many = await s.admin.sensitiveWords.add(['  坏词 ', 'ＢＡＤＷＯＲＤ', '垃\u200B圾', '坏词']);
      expect(many.added.map((w) => [w.word, w.normalized])).toEqual([
        ['坏词', '坏词'],
        ['垃\u200B圾', '垃圾'],
      ]);
      expect(many.existing.map((w) => w.word)).toEqual(['BadWord']);

      const list = await s.admin.sensitiveWords.list();
      expect(list.total).toBe(3);
      expect(list.items.map((w) => w.word)).toEqual(['BadWord', '坏词', '垃\u200B圾']);
      expect((await s.admin.sensitiveWords.list({ limit: 1, offset: 1 })).items.map((w) => w.word)).toEqual([
        '坏词',
      ]);

      expect((await adminError(s.admin.sensitiveWords.add('\u200B\u00AD'))).status).toBe(400);
      expect((await adminError(s.admin.sensitiveWords.add([]))).status).toBe(400);
      expect((await adminError(s.admin.request('POST', '/sensitive-words', {}))).status).toBe(400);
      expect((await adminError(s.admin.sensitiveWords.add('x'.repeat(101)))).status).toBe(400);
      expect((await adminError(s.admin.sensitiveWords.delete(999_999))).status).toBe(404);

      const rubbish = list.items[2]!;
      await s.admin.sensitiveWords.delete(rubbish.id);
      expect((await s.admin.sensitiveWords.list()).items.map((w) => w.word)).toEqual(['BadWord', '坏词']);
      expect(await s.services.sensitiveWords.containsSensitive('垃圾')).toBe(false);
    });

    it('matches over normalised text: full-width, case, zero-width characters inside a word', async () => {
      const has = (message: string) => s.services.sensitiveWords.containsSensitive(message);
      expect(await has('this has a badword in it')).toBe(true);
      expect(await has('BADWORD')).toBe(true);
      expect(await has('ｂａｄｗｏｒｄ')).toBe(true);
      expect(await has('ＢａｄＷｏｒｄ!')).toBe(true);
      expect(await has('bad\u200Bword')).toBe(true);
      expect(await has('b\u200Ca\u200Dd\u2060w\uFEFFo\u00ADrd')).toBe(true);
      expect(await has('前面坏\u200B词后面')).toBe(true);
      expect(await has('bad word')).toBe(false);
      expect(await has('badwor')).toBe(false);
      expect(await has('好词')).toBe(false);
      expect(await has('')).toBe(false);
    });

    it('another node sees a change within a second, without a rebuild per request', async () => {
      // Started on a whole second: caches also re-check at each new second of the clock (so a cached comment
      // page never outlives a change by more than that second), and "within the second" must stay inside one.
      const otherClock = new ManualClock(Math.floor(s.clock.nowMs() / 1000) * 1000);
      const other = await createServices(new Store(s.handle), s.config, otherClock);
      expect(await other.sensitiveWords.containsSensitive('fresh-word')).toBe(false);
      expect(await other.emotes.resolve('[新包_新]')).toEqual({});

      const added = await s.admin.sensitiveWords.add('Fresh-Word');
      const pkg = await s.admin.emotes.create({
        text: '新包',
        emotes: [{ text: '[新包_新]', image: { url: 'https://img.example.test/n.png' } }],
      });
      // Within the second the other node keeps its snapshot...
      otherClock.advance(0.5);
      expect(await other.sensitiveWords.containsSensitive('fresh-word')).toBe(false);
      expect(await other.emotes.resolve('[新包_新]')).toEqual({});
      // ...and after it, it has rebuilt from the database.
      otherClock.advance(0.5);
      expect(await other.sensitiveWords.containsSensitive('FRESH-WORD')).toBe(true);
      expect(Object.keys(await other.emotes.resolve('[新包_新]'))).toEqual(['[新包_新]']);

      await s.admin.sensitiveWords.delete(added.added[0]!.id);
      await s.admin.emotes.delete(pkg.id);
      otherClock.advance(1);
      expect(await other.sensitiveWords.containsSensitive('fresh-word')).toBe(false);
      expect(await other.emotes.resolve('[新包_新]')).toEqual({});
    });
  });

  it('REPLAY_SENSITIVE_WORDS_FILE seeds the list at start, once', async () => {
    const file = join(tmpdir(), `replay-words-${process.pid}-${dialect}.txt`);
    writeFileSync(file, '# forbidden\n\nSpam\n广告\r\nＳＰＡＭ\n');
    const seeded = await startTestServer(dialect, { sensitiveWordsFile: file });
    try {
      const list = await seeded.admin.sensitiveWords.list();
      expect(list.items.map((w) => w.word)).toEqual(['Spam', '广告']);
      expect(await seeded.services.sensitiveWords.containsSensitive('买广\u200B告')).toBe(true);
      // A second node (or a restart) over the same database adds nothing twice.
      const again = await createServices(new Store(seeded.handle), seeded.config, seeded.clock);
      expect(await again.sensitiveWords.containsSensitive('spam')).toBe(true);
      expect((await seeded.admin.sensitiveWords.list()).total).toBe(2);
    } finally {
      await seeded.close();
    }
  });
});
