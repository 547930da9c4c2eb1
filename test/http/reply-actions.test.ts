import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, ReplyAddData, ReplyItem, ReplyListData } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectReplyShape } from '../support/reply-shape.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };

interface Actor {
  client: BiliClient;
  mid: number;
  accessKey: string;
}

describe.each(dialects())('comment actions over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let owner: Actor;
  let viewer: Actor;
  let nextOid = 7000;

  /** A fresh area of type 1 owned by `owner`. */
  const newArea = async (closed = false): Promise<number> => {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed });
    return oid;
  };
  const add = async (who: Actor, oid: number, message: string, extra: Record<string, number> = {}) => {
    const body = await who.client.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!;
  };
  const info = async (rpid: number, who: BiliClient = s.anonymous()): Promise<ReplyItem | undefined> =>
    (await who.reply.info({ rpid })).data;

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS, { transport: 'inject' });
    owner = await s.signedIn();
    viewer = await s.signedIn();
  });
  afterAll(async () => s.close());

  describe('POST /x/v2/reply/add', () => {
    it('level-1 comment: the whole data object of §4.1 and the complete reply echo', async () => {
      const oid = await newArea();
      const body = await viewer.client.reply.add({ type: 1, oid, message: '  第一条评论  ', plat: 1 });
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expect(Object.keys(d)).toEqual([
        'success_action',
        'success_toast',
        'need_captcha',
        'url',
        'rpid',
        'rpid_str',
        'dialog',
        'dialog_str',
        'root',
        'root_str',
        'parent',
        'parent_str',
        'emote',
        'reply',
      ]);
      expect(d).toMatchObject({
        success_action: 0,
        success_toast: '发送成功',
        need_captcha: false,
        url: '',
        rpid_str: String(d.rpid),
        dialog: 0,
        dialog_str: '0',
        root: 0,
        root_str: '0',
        parent: 0,
        parent_str: '0',
        emote: {},
      });
      expect(d.rpid).toBeGreaterThan(1e10);
      expect(d.rpid).toBeLessThan(Number.MAX_SAFE_INTEGER);
      const r = d.reply!;
      expectReplyShape(r);
      expect(r).toMatchObject({
        rpid: d.rpid,
        oid,
        type: 1,
        mid: viewer.mid,
        root: 0,
        parent: 0,
        dialog: 0,
        count: 0,
        rcount: 0,
        state: 0,
        like: 0,
        action: 0,
        replies: null,
        up_action: { like: false, reply: false },
      });
      expect(r.ctime).toBe(Math.floor(s.clock.nowMs() / 1000));
      expect(r.content).toEqual({
        message: '第一条评论',
        plat: 1,
        device: '',
        members: [],
        jump_url: {},
        max_line: 0,
      });
      expect(r.reply_control.time_desc).toBe('1分钟前发布');
    });

    it('rpids stored behind the allocator (an import, a seed) do not break posting', async () => {
      const oid = await newArea();
      const taken = await s.store.replies.nextRpid();
      for (const rpid of [taken, taken + 1, taken + 2]) {
        await s.store.replies.insert({
          rpid,
          type: 1,
          oid,
          mid: viewer.mid,
          root: 0,
          parent: 0,
          dialog: 0,
          floor: rpid - taken + 1,
          message: `seeded ${rpid}`,
          ctime: 0,
        });
      }
      const d = await add(viewer, oid, 'after the seed');
      expect(d.rpid).toBeGreaterThan(taken + 2);
    });

    it('plat is stored and echoed; absent means 1', async () => {
      const oid = await newArea();
      expect((await add(viewer, oid, 'android', { plat: 2 })).reply!.content.plat).toBe(2);
      expect((await add(viewer, oid, 'default')).reply!.content.plat).toBe(1);
    });

    it('emote escapes resolve into content.emote and data.emote; unknown escapes stay text', async () => {
      const oid = await newArea();
      const d = await add(viewer, oid, '哈哈[doge][doge][不存在的表情]');
      expect(Object.keys(d.emote)).toEqual(['[doge]']);
      expect(d.emote['[doge]']).toMatchObject({ id: 26, package_id: 1, state: 0, type: 1, text: '[doge]' });
      expect(d.reply!.content.emote).toEqual(d.emote);
      const listed = (await s.anonymous().reply.list({ type: 1, oid })).data!.replies![0]!;
      expect(listed.content.emote).toEqual(d.emote);
    });

    it('@uname mentions of existing users fill content.members, one per user', async () => {
      const oid = await newArea();
      const a = await s.signedIn(`mention_a_${dialect}`);
      const d = await add(viewer, oid, `@mention_a_${dialect} 你好 @mention_a_${dialect}好 @nobody_here`);
      expect(d.reply!.content.members!.map((m) => m.mid)).toEqual([String(a.mid)]);
      expect(d.reply!.content.members![0]).toMatchObject({ uname: `mention_a_${dialect}`, rank: '10000' });
    });

    it('a direct reply: parent = root, dialog = its own rpid, no prefix; root counts move', async () => {
      const oid = await newArea();
      const root = await add(owner, oid, 'root');
      const d = await add(viewer, oid, '楼下', { root: root.rpid });
      expect(d).toMatchObject({
        root: root.rpid,
        parent: root.rpid,
        dialog: d.rpid,
        dialog_str: String(d.rpid),
      });
      expect(d.reply).toMatchObject({ root: root.rpid, parent: root.rpid, dialog: d.rpid });
      expect(d.reply!.content.message).toBe('楼下');
      expect(d.reply!.content.members).toEqual([]);
      // `parent` alone (equal to the root) is the same placement.
      const again = await add(viewer, oid, 'parent only', { parent: root.rpid });
      expect(again).toMatchObject({ root: root.rpid, parent: root.rpid, dialog: again.rpid });
      const r = (await info(root.rpid))!;
      expect(r).toMatchObject({ count: 2, rcount: 2 });
      expect(r.reply_control.sub_reply_entry_text).toBe('共2条回复');
    });

    it('a deeper reply inherits the dialog and gets the 回复 @<uname> : prefix and the mention', async () => {
      const oid = await newArea();
      const other = await s.signedIn(`deep_${dialect}`);
      const root = await add(owner, oid, 'root');
      const l2 = await add(other, oid, 'level 2', { root: root.rpid });
      const l3 = await add(viewer, oid, '是啊', { root: root.rpid, parent: l2.rpid });
      expect(l3).toMatchObject({ root: root.rpid, parent: l2.rpid, dialog: l2.rpid });
      expect(l3.reply!.content.message).toBe(`回复 @deep_${dialect} :是啊`);
      expect(l3.reply!.content.members!.map((m) => m.mid)).toEqual([String(other.mid)]);
      // A reply to level 3 still inherits the level-2 dialog (the contract's verified chain).
      const l4 = await add(other, oid, `回复 @${(await s.admin.getUser(viewer.mid)).uname} :对`, {
        root: root.rpid,
        parent: l3.rpid,
      });
      expect(l4).toMatchObject({ parent: l3.rpid, dialog: l2.rpid });
      // The client already typed the prefix: it is not doubled.
      expect(l4.reply!.content.message).toBe(`回复 @${(await s.admin.getUser(viewer.mid)).uname} :对`);
      // Only parent sent: the root is found from the parent.
      const l5 = await add(viewer, oid, 'parent only', { parent: l2.rpid });
      expect(l5).toMatchObject({ root: root.rpid, parent: l2.rpid, dialog: l2.rpid });
    });

    it('the area owner replying marks up_action.reply on the root and on the replied comment', async () => {
      const oid = await newArea();
      const root = await add(viewer, oid, 'root');
      const l2 = await add(viewer, oid, 'l2', { root: root.rpid });
      await add(owner, oid, 'owner answers', { root: root.rpid, parent: l2.rpid });
      const r = (await info(root.rpid))!;
      expect(r.up_action).toEqual({ like: false, reply: true });
      expect(r.attr).toBe(512);
      expect(r.reply_control.up_reply).toBe(true);
      expect((await info(l2.rpid))!.up_action).toEqual({ like: false, reply: true });
    });

    it('-101 without a login, -111 with a wrong csrf, -102 when banned', async () => {
      const oid = await newArea();
      expect(await s.anonymous().reply.add({ type: 1, oid, message: 'x' })).toEqual({
        code: -101,
        message: '账号未登录',
        ttl: 1,
      });
      const wrong = await viewer.client.post<{ code: number }>('/x/v2/reply/add', {
        type: 1,
        oid,
        message: 'x',
        csrf: 'wrong',
      });
      expect(wrong).toEqual({ code: -111, message: 'csrf 校验失败', ttl: 1 });
      const banned = await s.signedIn();
      await s.admin.updateUser(banned.mid, { banned: true });
      expect(await banned.client.reply.add({ type: 1, oid, message: 'x' })).toMatchObject({
        code: -102,
        message: '账号被封停',
      });
    });

    it('APP mode (access_key) needs no csrf', async () => {
      const oid = await newArea();
      const app = s.anonymous();
      const body = await app.post<{ code: number; data: ReplyAddData }>('/x/v2/reply/add', {
        access_key: viewer.accessKey,
        type: 1,
        oid,
        message: 'from the app',
        plat: 2,
      });
      expect(body.code).toBe(0);
      expect(body.data.reply!.mid).toBe(viewer.mid);
    });

    it('-400 names the missing or malformed parameter; an empty message is -400', async () => {
      const oid = await newArea();
      const missing = await viewer.client.post<{ code: number; message: string }>('/x/v2/reply/add', {
        type: 1,
        oid,
      });
      expect(missing.code).toBe(-400);
      expect(missing.message).toContain('message');
      const badOid = await viewer.client.post<{ code: number; message: string }>('/x/v2/reply/add', {
        type: 1,
        oid: 'abc',
        message: 'x',
      });
      expect(badOid.code).toBe(-400);
      expect(badOid.message).toContain('oid');
      const empty = await viewer.client.reply.add({ type: 1, oid, message: ' \n ' });
      expect(empty.code).toBe(-400);
      expect(empty.message).toContain('message');
    });

    it('-404 for an area that does not exist, 12009 for an invalid type, 12002 when closed', async () => {
      expect((await viewer.client.reply.add({ type: 1, oid: 987654321, message: 'x' })).code).toBe(-404);
      expect(await viewer.client.reply.add({ type: 3, oid: 1, message: 'x' })).toEqual({
        code: 12009,
        message: '评论主体的type不合法',
        ttl: 1,
      });
      const closed = await newArea(true);
      expect(await viewer.client.reply.add({ type: 1, oid: closed, message: 'x' })).toEqual({
        code: 12002,
        message: '评论区已关闭',
        ttl: 1,
      });
    });

    it('concurrent adds (one group commit on SQLite) each get their own rpid, and every counter moves', async () => {
      const oid = await newArea();
      const root = await add(owner, oid, 'thread');
      const writers = await Promise.all(Array.from({ length: 6 }, () => s.signedIn()));
      const bodies = await Promise.all(
        writers.flatMap((w, i) => [
          w.client.reply.add({ type: 1, oid, message: `root from ${i}` }),
          w.client.reply.add({ type: 1, oid, message: `another root from ${i}` }),
          w.client.reply.add({ type: 1, oid, root: root.rpid, parent: root.rpid, message: `reply ${i}` }),
        ]),
      );
      expect(bodies.map((b) => b.code)).toEqual(Array<number>(18).fill(0));
      const rpids = bodies.map((b) => b.data!.rpid);
      expect(new Set(rpids).size).toBe(18);
      for (const rpid of rpids) expect((await info(rpid))!.rpid).toBe(rpid);
      expect((await s.anonymous().reply.count({ type: 1, oid })).data).toEqual({ count: 19 });
      expect((await info(root.rpid))!).toMatchObject({ rcount: 6, count: 6 });
      const page = (await s.anonymous().reply.list({ type: 1, oid, sort: 0, ps: 20, pn: 1 })).data!;
      expect(page.page).toMatchObject({ count: 13, acount: 19 });
    });

    it('12006 for a root or parent that is missing, deleted, elsewhere or outside the thread', async () => {
      const oid = await newArea();
      const otherOid = await newArea();
      const root = await add(viewer, oid, 'root');
      const l2 = await add(viewer, oid, 'l2', { root: root.rpid });
      const otherRoot = await add(viewer, otherOid, 'elsewhere');
      const otherL2 = await add(viewer, otherOid, 'elsewhere l2', { root: otherRoot.rpid });
      const deleted = await add(viewer, oid, 'to delete');
      expect((await viewer.client.reply.del({ type: 1, oid, rpid: deleted.rpid })).code).toBe(0);
      const cases: Record<string, number>[] = [
        { root: 123456789 },
        { root: deleted.rpid },
        { root: otherRoot.rpid },
        { root: l2.rpid },
        { root: root.rpid, parent: otherL2.rpid },
        { root: root.rpid, parent: 999 },
        { parent: 999 },
      ];
      for (const extra of cases) {
        const body = await viewer.client.reply.add({ type: 1, oid, message: 'x', ...extra });
        expect(body, JSON.stringify(extra)).toEqual({ code: 12006, message: '没有该评论', ttl: 1 });
      }
    });

    it('12025 above 1000 code points after trimming (not UTF-16 units)', async () => {
      const oid = await newArea();
      expect((await viewer.client.reply.add({ type: 1, oid, message: '😀'.repeat(1000) })).code).toBe(0);
      expect((await viewer.client.reply.add({ type: 1, oid, message: ` ${'字'.repeat(1000)} ` })).code).toBe(
        0,
      );
      expect(await viewer.client.reply.add({ type: 1, oid, message: '字'.repeat(1001) })).toEqual({
        code: 12025,
        message: '评论字数过多',
        ttl: 1,
      });
      expect((await viewer.client.reply.add({ type: 1, oid, message: 'x'.repeat(5000) })).code).toBe(12025);
    });

    it('12016 when the text contains a sensitive word (matched normalised)', async () => {
      const oid = await newArea();
      await s.admin.sensitiveWords.add(`违禁词${dialect}`);
      expect(await viewer.client.reply.add({ type: 1, oid, message: `这里有违禁词${dialect}哦` })).toEqual({
        code: 12016,
        message: '评论内容包含敏感信息',
        ttl: 1,
      });
      expect((await viewer.client.reply.add({ type: 1, oid, message: '干净的评论' })).code).toBe(0);
    });

    it('12051 for the same text to the same place within the window; another parent or later is fine', async () => {
      const oid = await newArea();
      const root = await add(viewer, oid, 'dup');
      expect(await viewer.client.reply.add({ type: 1, oid, message: 'dup' })).toEqual({
        code: 12051,
        message: '重复评论，请勿刷屏',
        ttl: 1,
      });
      // Another author, or another parent, is not a duplicate.
      expect((await owner.client.reply.add({ type: 1, oid, message: 'dup' })).code).toBe(0);
      expect((await viewer.client.reply.add({ type: 1, oid, message: 'dup', root: root.rpid })).code).toBe(0);
      s.clock.advance(301);
      expect((await viewer.client.reply.add({ type: 1, oid, message: 'dup' })).code).toBe(0);
    });
  });

  describe('POST /x/v2/reply/action and /hate', () => {
    it('like, dislike and cancel are exclusive per user; counts and action follow', async () => {
      const oid = await newArea();
      const c = await add(owner, oid, 'vote me');
      const target = { type: 1, oid, rpid: c.rpid };
      expect(await viewer.client.reply.like({ ...target, action: 1 })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });
      let seen = (await info(c.rpid, viewer.client))!;
      expect(seen).toMatchObject({ like: 1, action: 1 });
      // Liking twice counts once.
      await viewer.client.reply.like({ ...target, action: 1 });
      expect((await info(c.rpid))!.like).toBe(1);
      // A dislike clears the like.
      expect((await viewer.client.reply.hate({ ...target, action: 1 })).code).toBe(0);
      seen = (await info(c.rpid, viewer.client))!;
      expect(seen).toMatchObject({ like: 0, action: 2 });
      // A like clears the dislike.
      await viewer.client.reply.like({ ...target, action: 1 });
      expect((await info(c.rpid, viewer.client))!).toMatchObject({ like: 1, action: 1 });
      // Cancelling a dislike one does not have succeeds and changes nothing.
      expect((await viewer.client.reply.hate({ ...target, action: 0 })).code).toBe(0);
      expect((await info(c.rpid, viewer.client))!).toMatchObject({ like: 1, action: 1 });
      expect((await viewer.client.reply.like({ ...target, action: 0 })).code).toBe(0);
      expect((await info(c.rpid, viewer.client))!).toMatchObject({ like: 0, action: 0 });
      // Other viewers see their own action only.
      await owner.client.reply.like({ ...target, action: 1 });
      expect((await info(c.rpid, viewer.client))!).toMatchObject({ like: 1, action: 0 });
      expect((await info(c.rpid, owner.client))!).toMatchObject({ like: 1, action: 1 });
      expect((await info(c.rpid))!.action).toBe(0);
    });

    it('action defaults to 0 (remove); concurrent likes of one user count once', async () => {
      const oid = await newArea();
      const c = await add(owner, oid, 'race');
      await Promise.all(
        Array.from({ length: 8 }, () => viewer.client.reply.like({ type: 1, oid, rpid: c.rpid, action: 1 })),
      );
      expect((await info(c.rpid))!.like).toBe(1);
      expect(
        (await viewer.client.post<{ code: number }>('/x/v2/reply/action', { type: 1, oid, rpid: c.rpid }))
          .code,
      ).toBe(0);
      expect((await info(c.rpid))!.like).toBe(0);
    });

    it("the area owner's like shows as up_action.like and the UP主觉得很赞 card label", async () => {
      const oid = await newArea();
      const c = await add(viewer, oid, 'great');
      await owner.client.reply.like({ type: 1, oid, rpid: c.rpid, action: 1 });
      const r = (await info(c.rpid))!;
      expect(r.up_action).toEqual({ like: true, reply: false });
      expect(r.attr).toBe(256);
      expect(r.card_label).toEqual([
        expect.objectContaining({ rpid: c.rpid, text_content: 'UP主觉得很赞', type: 0 }),
      ]);
      await owner.client.reply.hate({ type: 1, oid, rpid: c.rpid, action: 1 });
      const after = (await info(c.rpid))!;
      expect(after.up_action.like).toBe(false);
      expect(after).not.toHaveProperty('card_label');
    });

    it('12011 for an action other than 0/1, 12006 for no such comment, 12002 when closed', async () => {
      const oid = await newArea();
      const c = await add(owner, oid, 'x');
      for (const path of ['/x/v2/reply/action', '/x/v2/reply/hate']) {
        expect(
          await viewer.client.post<{ code: number }>(path, { type: 1, oid, rpid: c.rpid, action: 2 }),
        ).toEqual({
          code: 12011,
          message: '非法的点赞/点踩操作',
          ttl: 1,
        });
        expect(
          await viewer.client.post<{ code: number }>(path, { type: 1, oid, rpid: 42, action: 1 }),
        ).toEqual({
          code: 12006,
          message: '没有该评论',
          ttl: 1,
        });
        expect(
          (await viewer.client.post<{ code: number }>(path, { type: 1, oid, rpid: c.rpid, action: 'x' }))
            .code,
        ).toBe(-400);
        expect(
          (await s.anonymous().post<{ code: number }>(path, { type: 1, oid, rpid: c.rpid, action: 1 })).code,
        ).toBe(-101);
      }
      await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
      expect((await viewer.client.reply.like({ type: 1, oid, rpid: c.rpid, action: 1 })).code).toBe(12002);
      expect((await viewer.client.reply.hate({ type: 1, oid, rpid: c.rpid, action: 1 })).code).toBe(12002);
    });
  });

  describe('POST /x/v2/reply/del', () => {
    it('the author deletes; counts drop; deleting twice is 12022', async () => {
      const oid = await newArea();
      const root = await add(owner, oid, 'root');
      const l2 = await add(viewer, oid, 'mine', { root: root.rpid });
      expect((await viewer.client.reply.count({ type: 1, oid })).data).toEqual({ count: 2 });
      expect(await viewer.client.reply.del({ type: 1, oid, rpid: l2.rpid })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });
      expect((await viewer.client.reply.count({ type: 1, oid })).data).toEqual({ count: 1 });
      expect((await info(root.rpid))!).toMatchObject({ rcount: 0, count: 1 });
      expect(await viewer.client.reply.del({ type: 1, oid, rpid: l2.rpid })).toEqual({
        code: 12022,
        message: '已经被删除了',
        ttl: 1,
      });
      expect((await s.anonymous().reply.info({ rpid: l2.rpid })).code).toBe(-404);
    });

    it('the area owner deletes anyone; others get -403; unknown rpid is -404', async () => {
      const oid = await newArea();
      const c = await add(viewer, oid, 'theirs');
      const stranger = await s.signedIn();
      expect(await stranger.client.reply.del({ type: 1, oid, rpid: c.rpid })).toEqual({
        code: -403,
        message: '访问权限不足',
        ttl: 1,
      });
      expect((await owner.client.reply.del({ type: 1, oid, rpid: c.rpid })).code).toBe(0);
      expect(await owner.client.reply.del({ type: 1, oid, rpid: 55555 })).toEqual({
        code: -404,
        message: '啥都木有',
        ttl: 1,
      });
      const elsewhere = await newArea();
      const other = await add(viewer, elsewhere, 'other area');
      expect((await viewer.client.reply.del({ type: 1, oid, rpid: other.rpid })).code).toBe(-404);
    });

    it('deleting a root hides its whole thread and unpins it', async () => {
      const oid = await newArea();
      const root = await add(viewer, oid, 'root');
      const keep = await add(viewer, oid, 'keep');
      const l2 = await add(owner, oid, 'l2', { root: root.rpid });
      await add(viewer, oid, 'l3', { root: root.rpid, parent: l2.rpid });
      await owner.client.reply.top({ type: 1, oid, rpid: root.rpid, action: 1 });
      expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(4);
      expect((await viewer.client.reply.del({ type: 1, oid, rpid: root.rpid })).code).toBe(0);
      expect((await s.anonymous().reply.count({ type: 1, oid })).data!.count).toBe(1);
      const list = (await s.anonymous().reply.list({ type: 1, oid })).data!;
      expect(list.page).toEqual({ num: 1, size: 20, count: 1, acount: 1 });
      expect(list.upper.top).toBeNull();
      expect(list.replies!.map((r) => r.rpid)).toEqual([keep.rpid]);
      expect((await s.anonymous().reply.replies({ type: 1, oid, root: root.rpid })).code).toBe(12022);
      expect((await owner.client.reply.del({ type: 1, oid, rpid: l2.rpid })).code).toBe(12022);
      // The area can get a new pin.
      expect((await owner.client.reply.top({ type: 1, oid, rpid: keep.rpid, action: 1 })).code).toBe(0);
    });

    it('12002 in a closed area', async () => {
      const oid = await newArea();
      const c = await add(viewer, oid, 'x');
      await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
      expect((await viewer.client.reply.del({ type: 1, oid, rpid: c.rpid })).code).toBe(12002);
    });
  });

  describe('POST /x/v2/reply/top', () => {
    it('the owner pins a level-1 comment; it shows as upper.top and top_replies; unpin', async () => {
      const oid = await newArea();
      const a = await add(viewer, oid, 'a');
      const b = await add(viewer, oid, 'b');
      expect(await owner.client.reply.top({ type: 1, oid, rpid: a.rpid, action: 1 })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });
      const list = (await s.anonymous().reply.list({ type: 1, oid })).data as ReplyListData;
      expect(list.upper.top!.rpid).toBe(a.rpid);
      expectReplyShape(list.upper.top!);
      const main = (await s.anonymous().reply.main({ type: 1, oid, mode: 2 }, { signed: false })).data!;
      expect(main.top.upper!.rpid).toBe(a.rpid);
      expect(main.top_replies!.map((r) => r.rpid)).toEqual([a.rpid]);
      expect(main.replies!.map((r) => r.rpid)).toEqual([b.rpid]);
      // Pinning it again is a no-op; another one is 12029.
      expect((await owner.client.reply.top({ type: 1, oid, rpid: a.rpid, action: 1 })).code).toBe(0);
      expect(await owner.client.reply.top({ type: 1, oid, rpid: b.rpid, action: 1 })).toEqual({
        code: 12029,
        message: '已经存在置顶评论',
        ttl: 1,
      });
      expect((await owner.client.reply.top({ type: 1, oid, rpid: a.rpid, action: 0 })).code).toBe(0);
      expect((await s.anonymous().reply.list({ type: 1, oid })).data!.upper.top).toBeNull();
      expect((await owner.client.reply.top({ type: 1, oid, rpid: b.rpid, action: 1 })).code).toBe(0);
    });

    it('-403 for anyone but the owner, 12006 unknown, 12030 for a reply, 12002 closed', async () => {
      const oid = await newArea();
      const root = await add(viewer, oid, 'root');
      const l2 = await add(viewer, oid, 'l2', { root: root.rpid });
      expect(await viewer.client.reply.top({ type: 1, oid, rpid: root.rpid, action: 1 })).toEqual({
        code: -403,
        message: '访问权限不足',
        ttl: 1,
      });
      expect(await owner.client.reply.top({ type: 1, oid, rpid: 31337, action: 1 })).toEqual({
        code: 12006,
        message: '没有该评论',
        ttl: 1,
      });
      expect(await owner.client.reply.top({ type: 1, oid, rpid: l2.rpid, action: 1 })).toEqual({
        code: 12030,
        message: '不能置顶非一级评论',
        ttl: 1,
      });
      await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
      expect((await owner.client.reply.top({ type: 1, oid, rpid: root.rpid, action: 1 })).code).toBe(12002);
    });

    it('one pin per area is a database constraint, not process memory', async () => {
      const oid = await newArea();
      const a = await add(viewer, oid, 'a');
      const b = await add(viewer, oid, 'b');
      await s.store.replies.setPinned(a.rpid, true);
      await expect(s.store.replies.setPinned(b.rpid, true)).rejects.toThrow();
      // Concurrent pins of two comments: exactly one wins.
      const oid2 = await newArea();
      const c = await add(viewer, oid2, 'c');
      const d = await add(viewer, oid2, 'd');
      const codes = (
        await Promise.all(
          [c, d].map((x) => owner.client.reply.top({ type: 1, oid: oid2, rpid: x.rpid, action: 1 })),
        )
      ).map((r) => r.code);
      expect(codes.sort()).toEqual([0, 12029]);
    });
  });

  describe('POST /x/v2/reply/report', () => {
    it('stores the report for moderation; one per user and comment (12008)', async () => {
      const oid = await newArea();
      const c = await add(owner, oid, 'spam');
      expect(await viewer.client.reply.report({ type: 1, oid, rpid: c.rpid, reason: 1 })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
      });
      expect(await viewer.client.reply.report({ type: 1, oid, rpid: c.rpid, reason: 2 })).toEqual({
        code: 12008,
        message: '已经举报过了',
        ttl: 1,
      });
      const reports = await s.admin.moderation.reports();
      const mine = reports.items.find((r) => r.rpid === c.rpid)!;
      expect(mine).toMatchObject({
        rpid: c.rpid,
        type: 1,
        oid,
        reporter_mid: viewer.mid,
        reason: 1,
        reason_text: '垃圾广告',
        status: 'pending',
        resolved_at: null,
        reply: { rpid: c.rpid, mid: owner.mid, message: 'spam', deleted: false },
      });
    });

    it('reason=0 needs content of 2–200 characters (12077); reasons outside the table are -400', async () => {
      const oid = await newArea();
      const c = await add(owner, oid, 'x');
      const target = { type: 1, oid, rpid: c.rpid };
      for (const content of [undefined, '', 'a', ' a ', 'x'.repeat(201)]) {
        expect(await viewer.client.reply.report({ ...target, reason: 0, content })).toEqual({
          code: 12077,
          message: '举报理由过长或过短',
          ttl: 1,
        });
      }
      for (const reason of [18, -1]) {
        expect((await viewer.client.reply.report({ ...target, reason })).code).toBe(-400);
      }
      expect((await viewer.client.post<{ code: number }>('/x/v2/reply/report', target)).code).toBe(-400);
      expect((await viewer.client.reply.report({ ...target, reason: 0, content: '理由' })).code).toBe(0);
      const other = await s.signedIn();
      expect((await other.client.reply.report({ ...target, reason: 17 })).code).toBe(0);
    });

    it('12006 for no such comment, 12002 when closed', async () => {
      const oid = await newArea();
      expect((await viewer.client.reply.report({ type: 1, oid, rpid: 7, reason: 1 })).code).toBe(12006);
      const c = await add(owner, oid, 'x');
      await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed: true });
      expect((await viewer.client.reply.report({ type: 1, oid, rpid: c.rpid, reason: 1 })).code).toBe(12002);
    });
  });

  describe('curl-style requests of the six actions (form body, cookies, no client library)', () => {
    it('Cookie + csrf form posts and an APP access_key post answer exactly', async () => {
      const oid = await newArea();
      const cookies = viewer.client.cookies;
      const cookie = `SESSDATA=${cookies['SESSDATA']}; bili_jct=${cookies['bili_jct']}`;
      const csrf = cookies['bili_jct']!;
      const ownerCookie = `SESSDATA=${owner.client.cookies['SESSDATA']}`;
      const post = async (path: string, form: string, cookieHeader = cookie) => {
        const response = await fetch(`${s.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader },
          body: form,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toContain('application/json');
        return (await response.json()) as { code: number; message: string; ttl: number; data?: ReplyAddData };
      };
      // curl -b 'SESSDATA=…; bili_jct=…' -d 'type=1&oid=…&message=…&plat=1&csrf=…' …/x/v2/reply/add
      const added = await post(
        '/x/v2/reply/add',
        `type=1&oid=${oid}&message=${encodeURIComponent('测试test[doge]')}&plat=1&csrf=${csrf}`,
      );
      expect(added.code).toBe(0);
      expect(added.data!.reply!.content.message).toBe('测试test[doge]');
      const rpid = added.data!.rpid;
      const done = { code: 0, message: '0', ttl: 1 };
      expect(
        await post('/x/v2/reply/action', `type=1&oid=${oid}&rpid=${rpid}&action=1&csrf=${csrf}`),
      ).toEqual(done);
      expect(await post('/x/v2/reply/hate', `type=1&oid=${oid}&rpid=${rpid}&action=1&csrf=${csrf}`)).toEqual(
        done,
      );
      // csrf in the query string instead of the body is accepted too.
      expect(
        await post(
          `/x/v2/reply/report?csrf=${csrf}`,
          `type=1&oid=${oid}&rpid=${rpid}&reason=0&content=${encodeURIComponent('广告引流')}`,
        ),
      ).toEqual(done);
      const ownerCsrf = owner.client.cookies['bili_jct']!;
      expect(
        await post(
          '/x/v2/reply/top',
          `type=1&oid=${oid}&rpid=${rpid}&action=1&csrf=${ownerCsrf}`,
          `${ownerCookie}; bili_jct=${ownerCsrf}`,
        ),
      ).toEqual(done);
      // The APP form: access_key instead of cookies and csrf.
      const appDel = await fetch(`${s.url}/x/v2/reply/del`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `access_key=${viewer.accessKey}&type=1&oid=${oid}&rpid=${rpid}`,
      });
      expect(await appDel.json()).toEqual(done);
      expect(await post('/x/v2/reply/del', `type=1&oid=${oid}&rpid=${rpid}&csrf=${csrf}`)).toEqual({
        code: 12022,
        message: '已经被删除了',
        ttl: 1,
      });
      expect(await post('/x/v2/reply/action', `type=1&oid=${oid}&rpid=${rpid}&action=1`)).toEqual({
        code: -111,
        message: 'csrf 校验失败',
        ttl: 1,
      });
    });
  });
});

describe.each(dialects())('comment rate limits (%s)', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(
      dialect,
      {
        commentBurstLimit: 5,
        commentBurstSeconds: 10,
        commentHourlyLimit: 100,
        reportPerMinuteLimit: 10,
      },
      { transport: 'inject' },
    );
  });
  afterAll(async () => s.close());

  it('more than 5 comments in 10 s → -509 (defaults: 5 / 10 s, 100 / hour, 10 reports / minute)', async () => {
    const owner = await s.signedIn();
    await s.admin.putArea(1, 1, { owner_mid: owner.mid });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await owner.client.reply.add({ type: 1, oid: 1, message: `m${i}` })).code);
    expect(codes).toEqual([0, 0, 0, 0, 0, -509]);
    expect(await owner.client.reply.add({ type: 1, oid: 1, message: 'again' })).toEqual({
      code: -509,
      message: '请求过于频繁，请稍后再试',
      ttl: 1,
    });
    // Another user has its own budget.
    const other = await s.signedIn();
    expect((await other.client.reply.add({ type: 1, oid: 1, message: 'mine' })).code).toBe(0);
  });

  it('the hourly limit is configurable and counted on its own', async () => {
    const hourly = await startTestServer(
      dialect,
      { commentBurstLimit: 0, commentHourlyLimit: 3 },
      { transport: 'inject' },
    );
    try {
      const owner = await hourly.signedIn();
      await hourly.admin.putArea(1, 1, { owner_mid: owner.mid });
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await owner.client.reply.add({ type: 1, oid: 1, message: `h${i}` })).code);
      }
      expect(codes).toEqual([0, 0, 0, -509]);
    } finally {
      await hourly.close();
    }
  });

  it('more than 10 reports a minute → 12019', async () => {
    const owner = await s.signedIn();
    await s.admin.putArea(1, 2, { owner_mid: owner.mid });
    const writers = await Promise.all(Array.from({ length: 3 }, () => s.signedIn()));
    const rpids: number[] = [];
    for (const w of writers) {
      for (let i = 0; i < 4; i++) {
        const body = await w.client.reply.add({ type: 1, oid: 2, message: `r${i}` });
        rpids.push(body.data!.rpid);
      }
    }
    const reporter = await s.signedIn();
    const codes: number[] = [];
    for (const rpid of rpids.slice(0, 11)) {
      codes.push((await reporter.client.reply.report({ type: 1, oid: 2, rpid, reason: 3 })).code);
    }
    expect(codes).toEqual([...Array<number>(10).fill(0), 12019]);
    expect(
      (await reporter.client.reply.report({ type: 1, oid: 2, rpid: rpids[11]!, reason: 3 })).message,
    ).toBe('举报过于频繁');
  });
});
