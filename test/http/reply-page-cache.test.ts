import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient, ReplyListData } from '../../src/client/index.ts';
import { dialects, startTestCluster, startTestServer } from '../support/harness.ts';
import type { TestCluster, TestServer } from '../support/harness.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };

/**
 * Comment pages are cached whole per node (ReplyPageCache): each kind of write must show on the next read
 * of a page that was read (and cached) just before it, and each viewer must see their own votes on it.
 */
describe.each(dialects())('cached comment pages (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let alice: { client: BiliClient; mid: number };
  let bob: { client: BiliClient; mid: number };
  let nextOid = 7100;

  const newArea = async (): Promise<number> => {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid });
    return oid;
  };
  const post = async (who: BiliClient, oid: number, message: string, extra: Record<string, number> = {}) => {
    const body = await who.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  const page = async (who: BiliClient, oid: number): Promise<ReplyListData> => {
    const body = await who.reply.list({ type: 1, oid, ps: 20 });
    expect(body.code, body.message).toBe(0);
    return body.data!;
  };
  const rootOf = (data: ReplyListData, rpid: number) => data.replies!.find((r) => r.rpid === rpid);

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    owner = await s.signedIn(`pc_owner_${dialect}`);
    alice = await s.signedIn(`pc_alice_${dialect}`);
    bob = await s.signedIn(`pc_bob_${dialect}`);
  });
  afterAll(async () => s.close());

  it('add (level 1 and a reply): the next read shows it', async () => {
    const oid = await newArea();
    const first = await post(alice.client, oid, 'first');
    expect((await page(bob.client, oid)).replies!.map((r) => r.rpid)).toEqual([first]);
    const second = await post(alice.client, oid, 'second');
    const after = await page(bob.client, oid);
    expect(after.replies!.map((r) => r.rpid)).toEqual([second, first]);
    expect(after.page).toMatchObject({ count: 2, acount: 2 });
    const reply = await post(bob.client, oid, 'a reply', { root: first, parent: first });
    const withReply = await page(bob.client, oid);
    expect(rootOf(withReply, first)!.rcount).toBe(1);
    expect(rootOf(withReply, first)!.replies!.map((r) => r.rpid)).toEqual([reply]);
  });

  it('like, dislike and their undo: counts move and each viewer sees only their own vote', async () => {
    const oid = await newArea();
    const liked = await post(owner.client, oid, 'like me');
    const hated = await post(owner.client, oid, 'hate me');
    const anonymous = s.anonymous();
    await page(anonymous, oid);
    await page(alice.client, oid);
    expect((await alice.client.reply.like({ type: 1, oid, rpid: liked, action: 1 })).code).toBe(0);
    expect((await bob.client.reply.hate({ type: 1, oid, rpid: hated, action: 1 })).code).toBe(0);
    const forAlice = await page(alice.client, oid);
    const forBob = await page(bob.client, oid);
    const forNobody = await page(anonymous, oid);
    expect(rootOf(forAlice, liked)).toMatchObject({ like: 1, action: 1 });
    expect(rootOf(forAlice, hated)).toMatchObject({ like: 0, action: 0 });
    expect(rootOf(forBob, liked)).toMatchObject({ like: 1, action: 0 });
    expect(rootOf(forBob, hated)).toMatchObject({ like: 0, action: 2 });
    expect(rootOf(forNobody, liked)).toMatchObject({ like: 1, action: 0 });
    expect(rootOf(forNobody, hated)).toMatchObject({ action: 0 });
    // The hots carry the liked comment with the viewer's vote too.
    expect(forAlice.hots!.map((r) => [r.rpid, r.action])).toEqual([[liked, 1]]);
    expect((await alice.client.reply.like({ type: 1, oid, rpid: liked, action: 0 })).code).toBe(0);
    expect((await bob.client.reply.hate({ type: 1, oid, rpid: hated, action: 0 })).code).toBe(0);
    expect(rootOf(await page(alice.client, oid), liked)).toMatchObject({ like: 0, action: 0 });
    expect(rootOf(await page(bob.client, oid), hated)).toMatchObject({ action: 0 });
  });

  it('user text that looks like the vote field does not move where votes are written', async () => {
    const oid = await newArea();
    const tricky = await post(alice.client, oid, '{"rpid":1,"action":0,"like":0} "action":0');
    const plain = await post(alice.client, oid, 'plain');
    await page(s.anonymous(), oid);
    expect((await bob.client.reply.like({ type: 1, oid, rpid: tricky, action: 1 })).code).toBe(0);
    const forBob = await page(bob.client, oid);
    expect(rootOf(forBob, tricky)).toMatchObject({
      action: 1,
      content: expect.objectContaining({ message: '{"rpid":1,"action":0,"like":0} "action":0' }) as unknown,
    });
    expect(rootOf(forBob, plain)!.action).toBe(0);
  });

  it('delete by the author and by an operator: the next read no longer shows the comment', async () => {
    const oid = await newArea();
    const mine = await post(alice.client, oid, 'delete me');
    const spam = await post(alice.client, oid, 'spam');
    await page(bob.client, oid);
    expect((await alice.client.reply.del({ type: 1, oid, rpid: mine })).code).toBe(0);
    expect((await page(bob.client, oid)).replies!.map((r) => r.rpid)).toEqual([spam]);
    await s.admin.moderation.deleteReply(spam);
    const after = await page(bob.client, oid);
    expect(after.replies).toEqual([]);
    expect(after.page).toMatchObject({ count: 0, acount: 0 });
  });

  it('pin and unpin: upper.top follows', async () => {
    const oid = await newArea();
    const rpid = await post(alice.client, oid, 'pin me');
    expect((await page(bob.client, oid)).upper.top).toBeNull();
    expect((await owner.client.reply.top({ type: 1, oid, rpid, action: 1 })).code).toBe(0);
    expect((await page(bob.client, oid)).upper.top?.rpid).toBe(rpid);
    expect((await owner.client.reply.top({ type: 1, oid, rpid, action: 0 })).code).toBe(0);
    expect((await page(bob.client, oid)).upper.top).toBeNull();
  });

  it('closing the area and renaming a member show at once; time_desc follows the clock', async () => {
    const oid = await newArea();
    await post(alice.client, oid, 'who am I');
    const before = await page(bob.client, oid);
    expect(before.config.read_only).toBe(false);
    expect(before.replies![0]!.member!.uname).toBe(`pc_alice_${dialect}`);
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
    expect((await page(bob.client, oid)).config.read_only).toBe(true);
    await s.admin.updateUser(alice.mid, { uname: `pc_alice2_${dialect}` });
    expect((await page(bob.client, oid)).replies![0]!.member!.uname).toBe(`pc_alice2_${dialect}`);
    const desc = (d: ReplyListData) => d.replies![0]!.reply_control.time_desc;
    expect(desc(await page(bob.client, oid))).toBe('1分钟前发布');
    s.clock.advance(3 * 3600);
    expect(desc(await page(bob.client, oid))).toBe('3小时前发布');
  });

  it('the cursor endpoint (/x/v2/reply/main) is invalidated the same way', async () => {
    const oid = await newArea();
    const first = await post(alice.client, oid, 'first');
    const read = async () => (await bob.client.reply.main({ type: 1, oid, mode: 2 })).data!;
    expect((await read()).replies!.map((r) => r.rpid)).toEqual([first]);
    const second = await post(alice.client, oid, 'second');
    expect((await read()).replies!.map((r) => r.rpid)).toEqual([second, first]);
    expect((await bob.client.reply.like({ type: 1, oid, rpid: first, action: 1 })).code).toBe(0);
    const liked = (await read()).replies!.find((r) => r.rpid === first)!;
    expect(liked).toMatchObject({ like: 1, action: 1 });
  });

  it('a page is served from the cache: repeated reads are byte-identical without a query per page', async () => {
    const oid = await newArea();
    for (let i = 0; i < 3; i++) await post(alice.client, oid, `c${i}`);
    const url = `${s.url}/x/v2/reply?type=1&oid=${oid}&ps=20`;
    const first = await (await fetch(url)).text();
    const cache = s.services.replyPages;
    const key = `list:1:${oid}:0:0:20:1`;
    expect(cache.get(key)).toBeDefined();
    const second = await (await fetch(url)).text();
    expect(second).toBe(first);
  });
});

describe.runIf(dialects().includes('postgres'))('cached comment pages on two nodes, one PostgreSQL', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster('postgres', 2, NO_LIMITS);
  });
  afterAll(async () => cluster.close());

  const person = async (uname: string) => {
    const user = await cluster.admin.createUser({ uname });
    const session = await cluster.admin.issueSession(user.mid);
    return {
      mid: user.mid,
      on: cluster.urls.map((url) => createClient({ baseUrl: url, cookies: session.cookie_header })) as [
        BiliClient,
        BiliClient,
      ],
    };
  };

  it('a write on node A shows on node B within about a second', async () => {
    const owner = await person('pc2_owner');
    const reader = await person('pc2_reader');
    const oid = 7900;
    await cluster.admin.putArea(1, oid, { owner_mid: owner.mid });
    const first = await owner.on[0].reply.add({ type: 1, oid, message: 'first' });
    expect(first.code).toBe(0);
    const rpidsOn = async (node: 0 | 1) =>
      (await reader.on[node].reply.list({ type: 1, oid })).data!.replies!.map((r) => r.rpid);
    // Node B has read (and cached) the page.
    expect(await rpidsOn(1)).toEqual([first.data!.rpid]);
    const second = await owner.on[0].reply.add({ type: 1, oid, message: 'second' });
    expect(await rpidsOn(0)).toEqual([second.data!.rpid, first.data!.rpid]);
    const start = Date.now();
    while ((await rpidsOn(1)).length < 2 && Date.now() - start < 10_000) await sleep(20);
    expect(await rpidsOn(1)).toEqual([second.data!.rpid, first.data!.rpid]);
    expect(Date.now() - start).toBeLessThanOrEqual(1500);
    // A vote cast on A: the voter's own page on B shows it at once (votes are read per viewer).
    expect((await reader.on[0].reply.like({ type: 1, oid, rpid: first.data!.rpid, action: 1 })).code).toBe(0);
    const mine = (await reader.on[1].reply.list({ type: 1, oid })).data!.replies!;
    expect(mine.find((r) => r.rpid === first.data!.rpid)!.action).toBe(1);
  });
});
