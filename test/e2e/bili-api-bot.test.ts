import { Auth, Client } from '@renmu/bili-api';
import type { Reply } from '@renmu/bili-api';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MsgAtData, MsgReplyData, ReplyAddData, ReplyJumpData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * A reply bot built on a real third-party client, `@renmu/bili-api` (unmodified), against Replay: the
 * library has no message-center calls, so the bot sends them through the library's own HTTP instance
 * (its cookies and its response handling, which resolves `data` on code 0), as bots built on it do.
 * The bot polls `/x/msgfeed/at` on an (id, at_time) watermark, answers each mention with the library's
 * `reply/add`, and the mentioner finds the answer in their `/x/msgfeed/reply`.
 */

const API = 'https://api.bilibili.com';

interface AxiosInstanceLike {
  interceptors: {
    request: {
      use(onFulfilled: (config: { url?: string }) => { url?: string }): number;
      eject(id: number): void;
    };
  };
  get<T>(
    url: string,
    config?: { params?: Record<string, unknown>; extra?: Record<string, unknown> },
  ): Promise<T>;
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

describe.each(dialects())('@renmu/bili-api reply bot against Replay (%s)', (dialect) => {
  let s: TestServer;
  let ownerMid: number;
  let oid: number;
  const cleanups: (() => void)[] = [];

  /** The library's `Reply` for area (type, oid), signed in as `mid`, talking to Replay. */
  const replyClient = async (mid: number, type: number, area: number): Promise<Reply> => {
    const auth = new Auth();
    auth.setAuth((await s.admin.issueSession(mid)).cookies, mid);
    const reply = await new Client(auth).newReply(area, type);
    cleanups.push(rewrite(reply.request as unknown as AxiosInstanceLike, s.url));
    return reply;
  };
  const http = (reply: Reply) => reply.request as unknown as AxiosInstanceLike;

  beforeAll(async () => {
    s = await startTestServer(dialect, { commentBurstLimit: 0, commentHourlyLimit: 0 });
    // reply.add signs Wbi with keys it fetches from nav through the global axios instance.
    cleanups.push(rewrite(axios as unknown as AxiosInstanceLike, s.url));
    ownerMid = (await s.signedIn(`bot_up_${dialect}`)).mid;
    oid = (
      await s.admin.createArchive({
        title: 'bot e2e',
        owner_mid: ownerMid,
        pages: [{ part: 'P1', duration: 60 }],
      })
    ).aid;
  });
  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await s.close();
  });

  it('poll at → answer with reply/add → the answer is in the mentioner’s reply feed', async () => {
    const botName = `helper_bot_${dialect}`;
    const botMid = (await s.signedIn(botName)).mid;
    const userMid = (await s.signedIn(`asker_${dialect}`)).mid;
    const user = await replyClient(userMid, 1, oid);
    const bot = await replyClient(botMid, 1, oid);

    // The bot's first poll: nothing yet.
    const empty = await http(bot).get<MsgAtData>(`${API}/x/msgfeed/at`, {
      params: { build: 0, mobi_app: 'web' },
    });
    expect(empty.items).toEqual([]);
    expect(empty.cursor).toEqual({ is_end: true, id: 0, time: 0 });

    const question = (await user.add({ message: `@${botName} 今天几号？`, plat: 1 })) as ReplyAddData;
    s.clock.advance(3);

    // Poll: one mention, carrying what the bot needs to answer in place.
    const polled = await http(bot).get<MsgAtData>(`${API}/x/msgfeed/at`, {
      params: { build: 0, mobi_app: 'web' },
    });
    expect(polled.items).toHaveLength(1);
    const mention = polled.items[0]!;
    expect(mention.user.mid).toBe(userMid);
    expect(mention.item).toMatchObject({
      subject_id: oid,
      business_id: 1,
      source_id: question.rpid,
      root_id: 0,
    });
    const watermark = { id: mention.id, at_time: mention.at_time };

    // Answer with the library's reply/add, in the area the notice names.
    const area = await replyClient(botMid, mention.item.business_id, mention.item.subject_id);
    const answer = (await area.add({
      message: '今天是 12 月 5 日',
      root: mention.item.root_id || mention.item.source_id,
      parent: mention.item.source_id,
      plat: 1,
    })) as ReplyAddData;
    expect(answer).toMatchObject({ root: question.rpid, parent: question.rpid });

    // The next poll from the watermark has nothing new: the bot does not answer twice.
    const after = await http(bot).get<MsgAtData>(`${API}/x/msgfeed/at`, {
      params: { build: 0, mobi_app: 'web', id: watermark.id, at_time: watermark.at_time },
    });
    expect(after.items).toEqual([]);
    expect(after.cursor.is_end).toBe(true);

    // The asker sees the answer in "回复我的", aimed at the question; unread before reading, 0 after.
    const before = await http(user).get<{ reply: number; recv_reply: number }>(`${API}/x/msgfeed/unread`);
    expect(before).toMatchObject({ reply: 1, recv_reply: 1 });
    const feed = await http(user).get<MsgReplyData>(`${API}/x/msgfeed/reply`, {
      params: { build: 0, mobi_app: 'web', platform: 'web' },
    });
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject({
      user: { mid: botMid, nickname: botName },
      item: {
        subject_id: oid,
        root_id: question.rpid,
        source_id: answer.rpid,
        target_id: question.rpid,
        source_content: '今天是 12 月 5 日',
        target_reply_content: `@${botName} 今天几号？`,
      },
    });
    expect(await http(user).get(`${API}/x/msgfeed/unread`)).toMatchObject({ reply: 0, recv_reply: 0 });

    // Opened in context without a login (the library's `useCookie: false`): the answer is visible to all.
    const jumped = await http(user).get<ReplyJumpData>(`${API}/x/v2/reply/jump`, {
      params: { type: 1, oid, rpid: answer.rpid },
      extra: { useCookie: false },
    });
    expect(jumped.root!.rpid).toBe(question.rpid);
    expect(jumped.root!.replies!.map((r) => r.rpid)).toContain(answer.rpid);
  });
});
