import { Auth, Client, WebQrcodeLogin } from '@renmu/bili-api';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { NavData, ReplyAddData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * Web QR login driven by a real third-party client, `@renmu/bili-api` (unmodified), pointed at Replay by
 * axios request interceptors: `WebQrcodeLogin.login()` polls until a person approves the key, then reads
 * the cookies out of the success `data.url` with `URLSearchParams` (so SESSDATA arrives with raw commas);
 * those cookies, handed to the library's `Auth.setAuth`, post a comment, and the refresh token from the
 * same answer renews the cookies through Replay's typed client.
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

describe.each(dialects())('@renmu/bili-api against Replay: web QR login (%s)', (dialect) => {
  let s: TestServer;
  let oid: number;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    // Reply.add signs Wbi with keys it fetches from nav through the global axios instance.
    cleanups.push(rewrite(axios as unknown as AxiosInstanceLike, 'https://api.bilibili.com', s.url));
    const up = await s.signedIn(`renmu_web_up_${dialect}`);
    oid = (
      await s.admin.createArchive({
        title: 'renmu web e2e',
        owner_mid: up.mid,
        pages: [{ part: 'P1', duration: 300 }],
      })
    ).aid;
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await s.close();
  });

  it('login() → scan events → approval → completed with the cookies of data.url; they comment and refresh', async () => {
    const uname = `renmu_web_${dialect}`;
    const user = await s.admin.createUser({ uname, password: 'web-pass-123' });

    const web = new WebQrcodeLogin();
    web.interval = 50;
    cleanups.push(
      rewrite(web.request as unknown as AxiosInstanceLike, 'https://passport.bilibili.com', s.url),
    );
    let scans = 0;
    // The library's own `web.on` is bound to the wrong object in this version (its TV class binds it to the
    // emitter); its public `emitter` is where `login()` emits.
    web.emitter.on('scan', () => scans++);
    const completed = new Promise<Record<string, string>>((resolve, reject) => {
      web.emitter.once('completed', (data) => resolve(data as unknown as Record<string, string>));
      web.emitter.once('error', (response) =>
        reject(new Error(`web login failed: ${JSON.stringify(response)}`)),
      );
    });
    // A failure surfaces at `await completed`; until then the rejection must not count as unhandled.
    completed.catch(() => undefined);
    cleanups.push(() => web.interrupt());
    const url = await web.login();
    const key = new URL(url).searchParams.get('qrcode_key')!;
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);

    while (scans === 0) await new Promise((r) => setTimeout(r, 20));
    expect((await s.anonymous().qrConfirm(key, uname, 'web-pass-123')).code).toBe(0);
    const data = await completed;
    web.interrupt();
    // The library polls on a timer without waiting for the previous poll, so one may still be in flight;
    // it will see the key used (86038) and emit `error`, which with no listener would be thrown.
    web.emitter.on('error', () => undefined);

    // What the library hands its user: the URL's parameters, decoded, plus the refresh token.
    expect(data['DedeUserID']).toBe(String(user.mid));
    expect(data['SESSDATA']).toMatch(/^[0-9a-f]{8},\d+,[0-9a-f]{5}\*\d{2}[\w-]+$/);
    expect(data['Expires']).toBe(data['SESSDATA']!.split(',')[1]);
    expect(data['first_domain']).toBe('.bilibili.com');
    expect(data['refresh_token']).toMatch(/^[0-9a-f]{32}$/);

    const cookies = {
      SESSDATA: data['SESSDATA']!,
      bili_jct: data['bili_jct']!,
      DedeUserID: data['DedeUserID']!,
      DedeUserID__ckMd5: data['DedeUserID__ckMd5']!,
    };
    const auth = new Auth();
    auth.setAuth(cookies, user.mid);
    const reply = await new Client(auth).newReply(oid, 1);
    cleanups.push(rewrite(reply.request as unknown as AxiosInstanceLike, 'https://api.bilibili.com', s.url));
    const added = (await reply.add({ message: '扫码登录后的评论', plat: 1 })) as ReplyAddData;
    expect(added.reply).toMatchObject({ mid: user.mid, oid, type: 1 });

    // The library has no cookie refresh; the same cookies and refresh token go through Replay's client.
    const client = createClient({ baseUrl: s.url, cookies });
    await s.admin.setCookieRefresh(user.mid, true);
    const next = await client.passport.refresh(data['refresh_token']!);
    expect(next).toMatch(/^[0-9a-f]{32}$/);
    expect((await createClient({ baseUrl: s.url, cookies }).nav()).code).toBe(-101);
    expect(((await client.nav()).data as NavData).mid).toBe(user.mid);
  });
});
