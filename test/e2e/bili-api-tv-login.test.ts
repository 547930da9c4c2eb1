import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth, Client, TvQrcodeLogin } from '@renmu/bili-api';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { ReplyAddData, TvPollData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * TV QR login driven by a real third-party client, `@renmu/bili-api` (unmodified, its own TV appkey and
 * signing), pointed at Replay by axios request interceptors that rewrite Bilibili's hosts to the test
 * server: `TvQrcodeLogin.login()` polls until a person approves the code on Replay's page, the library
 * stores the answer the way its documentation says (`Auth.loadCookieFile`), and that login then posts a
 * comment through the library while the `access_token` works as `access_key`.
 */

interface AxiosInstanceLike {
  interceptors: {
    request: {
      use(onFulfilled: (config: { url?: string }) => { url?: string }): number;
      eject(id: number): void;
    };
  };
}

function rewrite(instance: AxiosInstanceLike, from: string, to: string): () => void {
  // axios runs request interceptors last-registered first: the rewrite happens before the library's own
  // interceptor derives the Host header from the URL.
  const id = instance.interceptors.request.use((config) => {
    if (config.url?.startsWith(from)) config.url = to + config.url.slice(from.length);
    return config;
  });
  return () => instance.interceptors.request.eject(id);
}

describe.each(dialects())('@renmu/bili-api against Replay: TV QR login (%s)', (dialect) => {
  let s: TestServer;
  let oid: number;
  let cid: number;
  const cleanups: (() => void)[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'replay-tv-'));

  beforeAll(async () => {
    s = await startTestServer(dialect);
    // Reply.add signs Wbi with keys it fetches from nav through the global axios instance.
    cleanups.push(rewrite(axios as unknown as AxiosInstanceLike, 'https://api.bilibili.com', s.url));
    const up = await s.signedIn(`renmu_tv_up_${dialect}`);
    const archive = await s.admin.createArchive({
      title: 'renmu tv e2e',
      owner_mid: up.mid,
      pages: [{ part: 'P1', duration: 300 }],
    });
    oid = archive.aid;
    cid = archive.pages[0]!.cid;
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    rmSync(dir, { recursive: true, force: true });
    await s.close();
  });

  it('login() → scan events → approval on the page → completed; the login comments and reports', async () => {
    const uname = `renmu_tv_${dialect}`;
    const user = await s.admin.createUser({ uname, password: 'tv-pass-123' });

    const tv = new TvQrcodeLogin();
    tv.interval = 50;
    // The library polls on a timer without waiting for the previous poll, so a poll still in flight when
    // the flow ends emits one more `error` (86038); without a listener Node would throw it as unhandled.
    tv.on('error', () => undefined);
    cleanups.push(rewrite(tv.request as unknown as AxiosInstanceLike, 'http://passport.bilibili.com', s.url));
    let scans = 0;
    tv.on('scan', () => scans++);
    const completed = new Promise<{ code: number; data: TvPollData }>((resolve, reject) => {
      tv.once('completed', (response) => resolve(response as { code: number; data: TvPollData }));
      tv.once('error', (response) => reject(new Error(`TV login failed: ${JSON.stringify(response)}`)));
    });
    // A failure surfaces at `await completed`; until then the rejection must not count as unhandled.
    completed.catch(() => undefined);
    cleanups.push(() => tv.interrupt());
    const url = await tv.login();
    // The library sends `Host` without the port, so the page is fetched from the test server's address.
    const path = new URL(url).pathname + new URL(url).search;
    expect(path).toMatch(/^\/x\/passport-tv-login\/h5\/qrcode\/auth\?auth_code=[0-9a-f]{32}$/);

    // Let the library see the pending state (86039 → its `scan` event) before approving.
    while (scans === 0) await new Promise((r) => setTimeout(r, 20));
    const page = await fetch(s.url + path);
    expect(await page.text()).toContain('确认登录');
    const authCode = new URL(url).searchParams.get('auth_code')!;
    expect((await s.anonymous().login.tvConfirm(authCode, uname, 'tv-pass-123')).code).toBe(0);

    const response = await completed;
    tv.interrupt();
    expect(response.code).toBe(0);
    expect(response.data.mid).toBe(user.mid);

    // The library's documented way to keep a TV login: the answer's data saved as a file and loaded.
    const file = join(dir, 'cookie.json');
    writeFileSync(file, JSON.stringify(response.data));
    const auth = new Auth();
    await auth.loadCookieFile(file);
    expect(auth.uid).toBe(user.mid);
    expect(auth.accessToken).toBe(response.data.access_token);

    const reply = await new Client(auth).newReply(oid, 1);
    cleanups.push(rewrite(reply.request as unknown as AxiosInstanceLike, 'https://api.bilibili.com', s.url));
    const added = (await reply.add({ message: '电视登录后的评论', plat: 1 })) as ReplyAddData;
    expect(added.reply).toMatchObject({ mid: user.mid, oid, type: 1 });

    const app = createClient({ baseUrl: s.url, accessKey: auth.accessToken });
    expect(await app.history.report({ aid: oid, cid, progress: 42, platform: 'android' })).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
    });
  });

  it('an expired code ends login() with the error event (86038)', async () => {
    const tv = new TvQrcodeLogin();
    tv.interval = 50;
    // The library polls on a timer without waiting for the previous poll, so a poll still in flight when
    // the flow ends emits one more `error` (86038); without a listener Node would throw it as unhandled.
    tv.on('error', () => undefined);
    cleanups.push(rewrite(tv.request as unknown as AxiosInstanceLike, 'http://passport.bilibili.com', s.url));
    const failed = new Promise<{ code: number }>((resolve) =>
      tv.once('error', (response) => resolve(response as { code: number })),
    );
    cleanups.push(() => tv.interrupt());
    await tv.login();
    s.clock.advance(181);
    expect((await failed).code).toBe(86038);
    tv.interrupt();
  });
});
