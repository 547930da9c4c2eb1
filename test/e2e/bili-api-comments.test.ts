import { Auth, BiliResponseError, Client } from '@renmu/bili-api';
import type { Reply } from '@renmu/bili-api';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplyAddData, ReplyListData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * The comment actions driven by a real third-party client, `@renmu/bili-api` (unmodified), pointed at
 * Replay by axios request interceptors that rewrite `https://api.bilibili.com` to the test server: add →
 * like → pin → list → report → delete, and a wrong csrf (-111).
 */

const API = 'https://api.bilibili.com';

type LoginCookies = { SESSDATA: string; bili_jct: string; [name: string]: string };

interface AxiosInstanceLike {
  interceptors: {
    request: {
      use(onFulfilled: (config: { url?: string }) => { url?: string }): number;
      eject(id: number): void;
    };
  };
}

function rewrite(instance: AxiosInstanceLike, url: string): () => void {
  // axios runs request interceptors last-registered first: the rewrite happens before the library's own
  // interceptor derives the Host header from the URL.
  const id = instance.interceptors.request.use((config) => {
    if (config.url?.startsWith(API)) config.url = url + config.url.slice(API.length);
    return config;
  });
  return () => instance.interceptors.request.eject(id);
}

describe.each(dialects())('@renmu/bili-api against Replay: comments (%s)', (dialect) => {
  let s: TestServer;
  let oid: number;
  let ownerMid: number;
  let viewerMid: number;
  const cleanups: (() => void)[] = [];

  /** A `Reply` of the library for area (1, oid), signed in with `cookies`, talking to Replay. */
  const replyClient = async (cookies: LoginCookies, mid: number): Promise<Reply> => {
    const auth = new Auth();
    auth.setAuth(cookies, mid);
    const reply = await new Client(auth).newReply(oid, 1);
    cleanups.push(rewrite(reply.request as unknown as AxiosInstanceLike, s.url));
    return reply;
  };

  beforeAll(async () => {
    s = await startTestServer(dialect);
    // reply.add signs Wbi with keys it fetches from nav through the global axios instance.
    cleanups.push(rewrite(axios as unknown as AxiosInstanceLike, s.url));
    ownerMid = (await s.signedIn(`renmu_up_${dialect}`)).mid;
    viewerMid = (await s.signedIn(`renmu_viewer_${dialect}`)).mid;
    const archive = await s.admin.createArchive({
      title: 'renmu e2e',
      owner_mid: ownerMid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    oid = archive.aid;
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await s.close();
  });

  it('add → like → pin → list → report → delete', async () => {
    const viewer = await replyClient((await s.admin.issueSession(viewerMid)).cookies, viewerMid);
    const owner = await replyClient((await s.admin.issueSession(ownerMid)).cookies, ownerMid);

    // The library resolves to `data` on code 0 and rejects otherwise.
    const added = (await viewer.add({ message: '来自 bili-api 的评论[doge]', plat: 1 })) as ReplyAddData;
    expect(added).toMatchObject({ success_toast: '发送成功', root: 0, parent: 0, dialog: 0 });
    expect(added.reply).toMatchObject({ oid, type: 1, mid: viewerMid });
    expect(added.reply!.content.message).toBe('来自 bili-api 的评论[doge]');
    expect(Object.keys(added.emote)).toEqual(['[doge]']);
    const rpid = added.rpid;

    const reply = (await viewer.add({
      message: '楼中楼',
      root: rpid,
      parent: rpid,
      plat: 1,
    })) as ReplyAddData;
    expect(reply).toMatchObject({ root: rpid, parent: rpid, dialog: reply.rpid });

    expect(await viewer.like({ rpid, action: 1 })).toBeUndefined();
    expect(await owner.top({ rpid, action: 1 })).toBeUndefined();

    const list = (await viewer.list({ sort: 0, nohot: 0, pn: 1 })) as ReplyListData;
    expect(list.page).toEqual({ num: 1, size: 20, count: 1, acount: 2 });
    expect(list.upper.mid).toBe(ownerMid);
    expect(list.upper.top).toMatchObject({ rpid, like: 1, action: 1, rcount: 1 });
    expect(list.upper.top!.replies!.map((r) => r.rpid)).toEqual([reply.rpid]);
    expect(await viewer.count()).toEqual({ count: 2 });

    expect(await owner.report({ rpid: reply.rpid, reason: 0, content: '与视频无关' })).toBeUndefined();
    const reports = await s.admin.moderation.reports();
    expect(reports.items.find((r) => r.rpid === reply.rpid)).toMatchObject({
      reporter_mid: ownerMid,
      reason: 0,
      content: '与视频无关',
    });

    expect(await viewer.delete({ rpid })).toBeUndefined();
    expect(await viewer.count()).toEqual({ count: 0 });
    const after = (await viewer.list({ pn: 1 })) as ReplyListData;
    expect(after.replies).toEqual([]);
    expect(after.upper.top).toBeNull();

    await expect(viewer.delete({ rpid })).rejects.toMatchObject({ code: 12022 });
  });

  it('a wrong csrf is -111; an unknown session is -101', async () => {
    const session = await s.admin.issueSession(viewerMid);
    const forged = await replyClient({ ...session.cookies, bili_jct: 'f'.repeat(32) }, viewerMid);
    const failure = await forged.add({ message: 'forged', plat: 1 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BiliResponseError);
    expect(failure).toMatchObject({ code: -111, message: 'csrf 校验失败' });
    await expect(forged.like({ rpid: 1, action: 1 })).rejects.toMatchObject({ code: -111 });

    const stranger = await replyClient({ ...session.cookies, SESSDATA: 'not-a-session' }, viewerMid);
    await expect(stranger.add({ message: 'who am i', plat: 1 })).rejects.toMatchObject({ code: -101 });
  });
});
