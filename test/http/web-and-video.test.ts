import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminArchive } from '../../src/client/index.ts';
import { MEDIA_ROOT, UI_CSP, WEB_ROOT } from '../../src/http/web/web.routes.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';
import { VideoViewData } from '../../src/wire/video.schema.ts';
import { ensureWebBuilt } from '../support/web-build.ts';

/** What Chromium sends when it navigates to a page. */
const BROWSER_ACCEPT =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe.each(dialects())('video info and the web UI over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let archive: AdminArchive;
  let ownerMid: number;
  beforeAll(async () => {
    ensureWebBuilt();
    s = await startTestServer(dialect);
    ownerMid = (await s.admin.createUser({ uname: 'viewowner', password: 'secret-pass', level: 5 })).mid;
    archive = await s.admin.createArchive({
      title: 'Two parts',
      owner_mid: ownerMid,
      desc: 'A description',
      tid: 17,
      tname: '单机游戏',
      pages: [
        { part: 'One', duration: 24 },
        { part: 'Two', duration: 36 },
      ],
    });
  });
  afterAll(async () => s.close());

  describe('GET /x/web-interface/view', () => {
    it('answers the archive with parts, uploader and counters, by bvid or aid', async () => {
      const body = await s.anonymous().video.view({ bvid: archive.bvid });
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const dimension = { width: 1920, height: 1080, rotate: 0 };
      const expected = {
        bvid: archive.bvid,
        aid: archive.aid,
        videos: 2,
        tid: 17,
        tname: '单机游戏',
        copyright: 1,
        pic: '',
        title: 'Two parts',
        pubdate: archive.pubdate,
        ctime: archive.ctime,
        desc: 'A description',
        state: 0,
        duration: 60,
        owner: { mid: ownerMid, name: 'viewowner', face: `${s.config.publicUrl}/static/noface.png` },
        stat: {
          aid: archive.aid,
          view: 0,
          danmaku: 0,
          reply: 0,
          favorite: 0,
          coin: 0,
          share: 0,
          now_rank: 0,
          his_rank: 0,
          like: 0,
          dislike: 0,
          evaluation: '',
        },
        dynamic: '',
        cid: archive.pages[0]!.cid,
        dimension,
        no_cache: false,
        pages: archive.pages.map((p) => ({
          cid: p.cid,
          page: p.page,
          from: 'vupload',
          part: p.part,
          duration: p.duration,
          vid: '',
          weblink: '',
          dimension,
        })),
        subtitle: { allow_submit: false, list: [] },
      };
      expect(body.data).toEqual(expected);
      // Same fields in the same order: the schema's serialiser neither drops nor moves any.
      expect(JSON.stringify(body.data)).toBe(JSON.stringify(expected));
      expectWire(VideoViewData, body.data);
      expect((await s.anonymous().video.view({ aid: archive.aid })).data).toEqual(body.data);
      const wbi = await s.anonymous().get<typeof body>('/x/web-interface/wbi/view', { aid: archive.aid });
      expect(wbi.data).toEqual(body.data);
    });

    it('counts plays in stat.view and visible comments in stat.reply', async () => {
      const other = await s.admin.createArchive({
        title: 'Counted',
        owner_mid: ownerMid,
        pages: [{ part: 'p', duration: 30 }],
      });
      const { client } = await s.signedIn();
      expect((await client.history.click({ aid: other.aid, cid: other.pages[0]!.cid })).code).toBe(0);
      expect((await client.reply.add({ type: 1, oid: other.aid, message: 'first!' })).code).toBe(0);
      expect((await client.reply.add({ type: 1, oid: other.aid, message: 'second' })).code).toBe(0);
      const stat = (await s.anonymous().video.view({ aid: other.aid })).data!.stat;
      expect(stat).toMatchObject({ view: 1, reply: 2 });
    });

    it('-400 without aid/bvid, for a malformed bvid or when they disagree; -404 for an unknown archive', async () => {
      const c = s.anonymous();
      const none = await c.get<{ code: number; message: string }>('/x/web-interface/view');
      expect(none.code).toBe(-400);
      expect(none.message).toContain('aid');
      expect((await c.get<{ code: number }>('/x/web-interface/view', { bvid: 'BV1nope' })).code).toBe(-400);
      expect((await c.get<{ code: number }>('/x/web-interface/view', { aid: 'abc' })).code).toBe(-400);
      expect(
        (await c.get<{ code: number }>('/x/web-interface/view', { aid: archive.aid + 1, bvid: archive.bvid }))
          .code,
      ).toBe(-400);
      expect(await c.video.view({ aid: 987654321 })).toEqual({
        code: -404,
        message: '啥都木有: aid 987654321',
        ttl: 1,
      });
    });
  });

  describe('the web UI', () => {
    it('serves the shell at every page path, with a same-origin-only Content-Security-Policy', async () => {
      for (const path of [
        '/',
        '/video/BV1xx411c7mD?p=2',
        '/history',
        '/history/',
        '/inbox',
        '/login?go_url=/history',
        '/admin',
      ]) {
        const res = await fetch(`${s.url}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.headers.get('content-security-policy')).toBe(UI_CSP);
        expect(res.headers.get('cache-control')).toBe('no-cache');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(await res.text()).toContain('<div id="app">');
      }
      expect(UI_CSP).toContain("default-src 'self'");
      expect(UI_CSP).toContain("connect-src 'self'");
      expect(UI_CSP).not.toMatch(/https?:/);
    });

    it('an unknown page path is the UI shell with HTTP 404 (it renders "page not found"); API paths keep JSON', async () => {
      for (const path of ['/videos', '/video/BV1xx411c7mD/extra', '/nope/deeper?x=1', '/history/old']) {
        const res = await fetch(`${s.url}${path}`, { headers: { accept: BROWSER_ACCEPT } });
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
        expect(res.headers.get('content-security-policy'), path).toBe(UI_CSP);
        expect(await res.text(), path).toContain('<div id="app">');
      }
      // The API's own prefixes (and anything that is not a GET) answer the -404 envelope as before.
      for (const [method, path] of [
        ['GET', '/x/v2/nothing-here'],
        ['GET', '/bapis/nothing.v1.Here/Nope'],
        ['GET', '/pgc/nothing'],
        ['GET', '/passport-login/nothing'],
        ['POST', '/videos'],
        ['DELETE', '/history'],
      ] as const) {
        const res = await fetch(`${s.url}${path}`, { method, headers: { accept: BROWSER_ACCEPT } });
        expect(res.status, path).toBe(404);
        expect(res.headers.get('content-type'), path).toContain('application/json');
        expect(await res.json(), path).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
      }
      // A client that does not ask for HTML (a bot, curl, fetch's `*/*`) gets the envelope on any path.
      for (const accept of ['*/*', 'application/json']) {
        const res = await fetch(`${s.url}/videos`, { headers: { accept } });
        expect(res.status, accept).toBe(404);
        expect(await res.json(), accept).toEqual({ code: -404, message: '啥都木有', ttl: 1 });
      }
      const admin = await fetch(`${s.url}/admin/api/v1/nothing`);
      expect(admin.status).toBe(404);
      expect(await admin.json()).toMatchObject({ statusCode: 404, code: -404 });
    });

    it('serves the hashed assets immutably, the embed script under a stable name, and 404s the rest', async () => {
      const html = await (await fetch(`${s.url}/`)).text();
      const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)![1]!;
      const css = /href="(\/assets\/index-[\w-]+\.css)"/.exec(html)![1]!;
      for (const path of [script, css]) {
        const res = await fetch(`${s.url}${path}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      }
      expect((await fetch(`${s.url}${script}`)).headers.get('content-type')).toContain('javascript');
      const embed = await fetch(`${s.url}/embed/comments.js`);
      expect(embed.status).toBe(200);
      expect(embed.headers.get('content-type')).toContain('javascript');
      expect(embed.headers.get('cache-control')).toBe('public, max-age=300');
      const favicon = await fetch(`${s.url}/favicon.svg`);
      expect(favicon.headers.get('content-type')).toContain('image/svg+xml');
      for (const path of ['/assets/nope.js', '/embed/nope.js', '/assets/../index.html', '/media/nope.webm']) {
        const res = await fetch(`${s.url}${path}`);
        expect(res.status, path).toBe(404);
      }
      // Everything the shell links is in the build.
      const built = readdirSync(join(WEB_ROOT, 'assets'));
      expect(built).toContain(script.slice('/assets/'.length));
    });

    it('serves the demo video with range requests (the player seeks), well under 1 MB', async () => {
      const size = statSync(join(MEDIA_ROOT, 'replay-demo.webm')).size;
      expect(size).toBeLessThan(1024 * 1024);
      const whole = await fetch(`${s.url}/media/replay-demo.webm`);
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-type')).toBe('video/webm');
      expect(whole.headers.get('accept-ranges')).toBe('bytes');
      expect((await whole.arrayBuffer()).byteLength).toBe(size);
      const part = await fetch(`${s.url}/media/replay-demo.webm`, { headers: { range: 'bytes=100-199' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
      expect((await part.arrayBuffer()).byteLength).toBe(100);
      // A WebM file starts with the EBML magic number.
      const head = new Uint8Array(
        await (
          await fetch(`${s.url}/media/replay-demo.webm`, { headers: { range: 'bytes=0-3' } })
        ).arrayBuffer(),
      );
      expect([...head]).toEqual([0x1a, 0x45, 0xdf, 0xa3]);
    });
  });
});
