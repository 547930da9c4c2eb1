import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, ReplyJumpData } from '../../src/client/index.ts';
import { ReplyJumpData as ReplyJumpSchema } from '../../src/wire/reply-jump.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const NO_LIMITS = {
  commentBurstLimit: 0,
  commentHourlyLimit: 0,
  reportPerMinuteLimit: 0,
  duplicateWindowSeconds: 0,
};

describe.each(dialects())('GET /x/v2/reply/jump (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let viewer: { client: BiliClient; mid: number };
  let aid: number;
  const roots: number[] = [];
  let threadRoot = 0;
  const thread: number[] = [];

  const add = async (who: BiliClient, oid: number, message: string, root?: number) => {
    const body = await who.reply.add({ type: 1, oid, message, ...(root ? { root } : {}) });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  const jump = async (rpid: number, who: BiliClient = s.anonymous(), oid = aid): Promise<ReplyJumpData> => {
    const body = await who.msgfeed.jump({ type: 1, oid, rpid });
    expect(body.code, body.message).toBe(0);
    expectWire(ReplyJumpSchema, body.data);
    return body.data!;
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    owner = await s.signedIn();
    viewer = await s.signedIn();
    aid = (
      await s.admin.createArchive({
        title: 'jump',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 9 }],
      })
    ).aid;
    for (let i = 0; i < 45; i++) roots.push(await add(viewer.client, aid, `楼 ${i}`));
    // Five replies under the 11th root: the previews show three (by heat, then floor).
    threadRoot = roots[10]!;
    for (let i = 0; i < 5; i++) thread.push(await add(owner.client, aid, `回复 ${i}`, threadRoot));
  });
  afterAll(async () => s.close());

  it('a level-1 comment: exactly the /x/v2/reply page that holds it, signed out, root null', async () => {
    // 45 roots, 20 a page, newest first: the oldest root is on page 3, the 25th newest on page 2.
    for (const [index, page] of [
      [0, 3],
      [20, 2],
      [44, 1],
      [25, 1],
      [24, 2],
    ] as const) {
      const data = await jump(roots[index]!);
      const list = await s.anonymous().reply.list({ type: 1, oid: aid, pn: page, nohot: 1 });
      expect(data.page).toEqual({ ...list.data!.page, num: page });
      expect(data.replies!.map((r) => r.rpid)).toEqual(list.data!.replies!.map((r) => r.rpid));
      expect(data.replies!.some((r) => r.rpid_str === String(roots[index]))).toBe(true);
      expect(data.root).toBeNull();
    }
    const body = await s.anonymous().get<Record<string, unknown>>('/x/v2/reply/jump', {
      type: 1,
      oid: aid,
      rpid: roots[0]!,
    });
    const data = (body as { data: Record<string, unknown> }).data;
    const list = (await s.anonymous().reply.list({ type: 1, oid: aid, pn: 3 })).data!;
    // The list's fields in the list's order, then `root`.
    expect(Object.keys(data)).toEqual([...Object.keys(list), 'root']);
  });

  it('a reply: its root page, the reply findable under its root in `replies` and in `root`', async () => {
    const hidden = thread[4]!; // the fifth reply: not among the three previews
    const data = await jump(hidden, viewer.client);
    const rootOnPage = data.replies!.find((r) => r.rpid === threadRoot)!;
    expect(rootOnPage).toBeDefined();
    expect(rootOnPage.replies!.map((r) => r.rpid)).toEqual([thread[0], thread[1], thread[2], hidden]);
    expect(data.root).toMatchObject({ rpid: threadRoot, rcount: 5 });
    expect(data.root!.replies!.map((r) => r.rpid_str)).toContain(String(hidden));
    const shown = data.root!.replies!.find((r) => r.rpid === hidden)!;
    expect(shown).toMatchObject({ root: threadRoot, parent: threadRoot, mid: owner.mid });
    expect(shown.content.message).toBe('回复 4');
    // A reply the previews already show is not repeated.
    const visible = await jump(thread[1]!);
    expect(visible.root!.replies!.map((r) => r.rpid)).toEqual([thread[0], thread[1], thread[2]]);
  });

  it('the pinned comment is on page 1 (as `upper.top`)', async () => {
    const pinned = roots[2]!;
    expect((await owner.client.reply.top({ type: 1, oid: aid, rpid: pinned, action: 1 })).code).toBe(0);
    const data = await jump(pinned);
    expect(data.page.num).toBe(1);
    expect(data.upper.top!.rpid).toBe(pinned);
    // The roots before it move one place up (the pinned one leaves the time order).
    const oldest = await jump(roots[0]!);
    expect(oldest.page.num).toBe(3);
    expect((await owner.client.reply.top({ type: 1, oid: aid, rpid: pinned, action: 0 })).code).toBe(0);
  });

  it('deleted → 12022, unknown or in another area → 12006, unknown area → its code, bad params → -400', async () => {
    const gone = await add(viewer.client, aid, '将被删除');
    expect((await viewer.client.reply.del({ type: 1, oid: aid, rpid: gone })).code).toBe(0);
    expect((await s.anonymous().msgfeed.jump({ type: 1, oid: aid, rpid: gone })).code).toBe(12022);
    const reply = await add(viewer.client, aid, '楼中楼的根', undefined);
    const child = await add(viewer.client, aid, '子回复', reply);
    expect((await viewer.client.reply.del({ type: 1, oid: aid, rpid: reply })).code).toBe(0);
    expect((await s.anonymous().msgfeed.jump({ type: 1, oid: aid, rpid: child })).code).toBe(12022);

    expect((await s.anonymous().msgfeed.jump({ type: 1, oid: aid, rpid: 999_999_999_999 })).code).toBe(12006);
    const other = (
      await s.admin.createArchive({
        title: 'other',
        owner_mid: owner.mid,
        pages: [{ part: 'P1', duration: 9 }],
      })
    ).aid;
    expect((await s.anonymous().msgfeed.jump({ type: 1, oid: other, rpid: roots[0]! })).code).toBe(12006);
    expect((await s.anonymous().msgfeed.jump({ type: 999, oid: aid, rpid: roots[0]! })).code).toBe(12009);
    expect((await s.anonymous().get<{ code: number }>('/x/v2/reply/jump', { type: 1, oid: aid })).code).toBe(
      -400,
    );
    expect(
      (await s.anonymous().get<{ code: number }>('/x/v2/reply/jump', { type: 1, oid: aid, rpid: 'x' })).code,
    ).toBe(-400);
  });
});
