import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient, ReplyMainData } from '../../src/client/index.ts';
import { ReplyApi, signWbi } from '../../src/client/index.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectReplyShape } from '../support/reply-shape.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };

describe.each(dialects())('comment reading endpoints over HTTP (%s)', (dialect) => {
  let s: TestServer;
  let owner: { client: BiliClient; mid: number };
  let viewer: { client: BiliClient; mid: number };
  let nextOid = 9000;

  const newArea = async (closed = false): Promise<number> => {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid, closed });
    return oid;
  };
  const post = async (who: BiliClient, oid: number, message: string, extra: Record<string, number> = {}) => {
    const body = await who.reply.add({ type: 1, oid, message, ...extra });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  const likeBy = async (n: number, oid: number, rpid: number) => {
    for (let i = 0; i < n; i++) {
      const u = likers[i]!;
      expect((await u.reply.like({ type: 1, oid, rpid, action: 1 })).code).toBe(0);
    }
  };
  let likers: BiliClient[] = [];

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    owner = await s.signedIn(`owner_${dialect}`, { level: 6, vip_type: 2 });
    viewer = await s.signedIn();
    likers = (await Promise.all(Array.from({ length: 5 }, () => s.signedIn()))).map((u) => u.client);
  });
  afterAll(async () => s.close());

  describe('GET /x/v2/reply (page numbers)', () => {
    let oid: number;
    const roots: number[] = [];
    beforeAll(async () => {
      oid = await newArea();
      for (let i = 0; i < 25; i++) roots.push(await post(viewer.client, oid, `c${i}`));
      // Heat: c3 has 3 likes, c7 two, c1 one. Replies: c5 has 4, c2 has 1.
      await likeBy(3, oid, roots[3]!);
      await likeBy(2, oid, roots[7]!);
      await likeBy(1, oid, roots[1]!);
      for (let i = 0; i < 4; i++) await post(owner.client, oid, `reply ${i}`, { root: roots[5]! });
      await post(viewer.client, oid, 'only reply', { root: roots[2]! });
    });

    it('the data object of §3.1 with page, config, upper, control', async () => {
      const body = await s.anonymous().reply.list({ type: 1, oid, ps: 5 });
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      const d = body.data!;
      expect(Object.keys(d)).toEqual([
        'page',
        'config',
        'replies',
        'hots',
        'upper',
        'top',
        'notice',
        'vote',
        'blacklist',
        'assist',
        'mode',
        'support_mode',
        'folder',
        'lottery_card',
        'show_bvid',
        'control',
      ]);
      expect(d.page).toEqual({ num: 1, size: 5, count: 25, acount: 30 });
      expect(d.config).toEqual({
        showadmin: 1,
        showentry: 1,
        showfloor: 0,
        showtopic: 1,
        show_up_flag: true,
        read_only: false,
        show_del_log: false,
      });
      expect(d.upper).toEqual({ mid: owner.mid, top: null, vote: null });
      expect(d).toMatchObject({
        top: null,
        notice: null,
        vote: 0,
        blacklist: 0,
        assist: 0,
        mode: 3,
        support_mode: [1, 2, 3],
        lottery_card: null,
        show_bvid: false,
      });
      expect(d.control).toMatchObject({
        input_disable: false,
        root_input_text: '发一条友善的评论',
        bg_text: '看看下面~来发评论吧',
        show_type: 1,
        show_text: '',
      });
      for (const r of [...d.replies!, ...d.hots!]) expectReplyShape(r);
    });

    it('sort 0 is newest first, paged by pn/ps; a page past the end is empty', async () => {
      const p1 = (await s.anonymous().reply.list({ type: 1, oid, ps: 10, pn: 1 })).data!;
      expect(p1.replies!.map((r) => r.content.message)).toEqual(
        Array.from({ length: 10 }, (_, i) => `c${24 - i}`),
      );
      const p3 = (await s.anonymous().reply.list({ type: 1, oid, ps: 10, pn: 3 })).data!;
      expect(p3.replies!.map((r) => r.content.message)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
      expect(p3.page).toEqual({ num: 3, size: 10, count: 25, acount: 30 });
      expect((await s.anonymous().reply.list({ type: 1, oid, ps: 10, pn: 4 })).data!.replies).toEqual([]);
    });

    it('sort 1 orders by likes, sort 2 by reply count', async () => {
      const byLikes = (await s.anonymous().reply.list({ type: 1, oid, sort: 1, ps: 4 })).data!.replies!;
      expect(byLikes.map((r) => [r.content.message, r.like])).toEqual([
        ['c3', 3],
        ['c7', 2],
        ['c1', 1],
        ['c0', 0],
      ]);
      const byReplies = (await s.anonymous().reply.list({ type: 1, oid, sort: 2, ps: 3 })).data!.replies!;
      expect(byReplies.map((r) => [r.content.message, r.rcount])).toEqual([
        ['c5', 4],
        ['c2', 1],
        ['c0', 0],
      ]);
    });

    it('hots: up to 3 liked comments by likes; [] with nohot=1', async () => {
      const d = (await s.anonymous().reply.list({ type: 1, oid })).data!;
      expect(d.hots!.map((r) => r.content.message)).toEqual(['c3', 'c7', 'c1']);
      expect((await s.anonymous().reply.list({ type: 1, oid, nohot: 1 })).data!.hots).toEqual([]);
    });

    it('up to 3 preview replies per root, by heat, each with replies: null', async () => {
      const oid2 = await newArea();
      const root = await post(viewer.client, oid2, 'root');
      const kids: number[] = [];
      for (let i = 0; i < 5; i++) kids.push(await post(owner.client, oid2, `kid${i}`, { root }));
      await likeBy(2, oid2, kids[4]!);
      await likeBy(1, oid2, kids[2]!);
      const r = (await s.anonymous().reply.list({ type: 1, oid: oid2 })).data!.replies![0]!;
      expect(r.rcount).toBe(5);
      expect(r.replies!.map((p) => p.content.message)).toEqual(['kid4', 'kid2', 'kid0']);
      for (const p of r.replies!) {
        expect(p.replies).toBeNull();
        expect(p.root).toBe(root);
        expect(p.reply_control).toEqual({ time_desc: expect.stringMatching(/前发布$/) as string });
      }
      expect(r.reply_control).toMatchObject({
        max_line: 6,
        sub_reply_entry_text: '共5条回复',
        sub_reply_title_text: '相关回复共5条',
        up_reply: true,
      });
      // A root without replies has [] and no entry text.
      const lonely = await post(viewer.client, oid2, 'lonely');
      const top = (await s.anonymous().reply.list({ type: 1, oid: oid2 })).data!.replies![0]!;
      expect(top.rpid).toBe(lonely);
      expect(top.replies).toEqual([]);
      expect(top.reply_control).not.toHaveProperty('sub_reply_entry_text');
    });

    it('a signed-in caller sees its own action on every reply, previews included', async () => {
      const oid2 = await newArea();
      const a = await post(owner.client, oid2, 'a');
      const b = await post(owner.client, oid2, 'b');
      const kid = await post(owner.client, oid2, 'kid', { root: a });
      await viewer.client.reply.like({ type: 1, oid: oid2, rpid: a, action: 1 });
      await viewer.client.reply.hate({ type: 1, oid: oid2, rpid: b, action: 1 });
      await viewer.client.reply.like({ type: 1, oid: oid2, rpid: kid, action: 1 });
      const mine = (await viewer.client.reply.list({ type: 1, oid: oid2 })).data!.replies!;
      const byId = new Map(mine.map((r) => [r.rpid, r]));
      expect(byId.get(a)!.action).toBe(1);
      expect(byId.get(b)!.action).toBe(2);
      expect(byId.get(a)!.replies![0]!).toMatchObject({ rpid: kid, action: 1, like: 1 });
      const anon = (await s.anonymous().reply.list({ type: 1, oid: oid2 })).data!.replies!;
      expect(anon.every((r) => r.action === 0 && r.replies!.every((p) => p.action === 0))).toBe(true);
    });

    it('member comes from the user record: level, vip (themeType), official with defaults', async () => {
      const oid2 = await newArea();
      await post(owner.client, oid2, 'from the owner');
      const m = (await s.anonymous().reply.list({ type: 1, oid: oid2 })).data!.replies![0]!.member!;
      expect(m).toMatchObject({
        mid: String(owner.mid),
        uname: `owner_${dialect}`,
        sex: '保密',
        level_info: { current_level: 6, current_min: 0, current_exp: 0, next_exp: 0 },
        official_verify: { type: -1, desc: '' },
        pendant: { pid: 0, name: '', image: '', expire: 0 },
        nameplate: { nid: 0, name: '', image: '', image_small: '', level: '', condition: '' },
        vip: { vipType: 2, vipStatus: 1, themeType: 0, nickname_color: '#FB7299' },
      });
      expect((m.vip.label as { text: string }).text).toBe('年度大会员');
      expect(m.avatar).toBe(`${s.config.publicUrl}/static/noface.png`);
    });

    it('a large page (sent as UTF-8 bytes) keeps its JSON type, its exact length and every character', async () => {
      const oid2 = await newArea();
      const text = (i: number) => `第${i}条：这是一条很长的评论，用来让整页答案超过十六千字符 🎉`.repeat(12);
      for (let i = 0; i < 20; i++) await post(viewer.client, oid2, text(i));
      const res = await fetch(`${s.url}/x/v2/reply?type=1&oid=${oid2}&ps=20`);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      const body = JSON.parse(bytes.toString('utf8')) as {
        data: { replies: { content: { message: string } }[] };
      };
      expect(bytes.toString('utf8').length).toBeGreaterThan(16 * 1024);
      expect(body.data.replies.map((r) => r.content.message)).toEqual(
        Array.from({ length: 20 }, (_, i) => text(19 - i)),
      );
    });

    it('a profile change shows in the next listing (cached member rows are dropped)', async () => {
      const author = await s.signedIn(`before_${dialect}`, { level: 2 });
      const oid2 = await newArea();
      await post(author.client, oid2, 'mine');
      const member = async () =>
        (await s.anonymous().reply.list({ type: 1, oid: oid2 })).data!.replies![0]!.member!;
      expect(await member()).toMatchObject({ uname: `before_${dialect}`, level_info: { current_level: 2 } });
      await s.admin.updateUser(author.mid, { uname: `after_${dialect}`, level: 5 });
      expect(await member()).toMatchObject({ uname: `after_${dialect}`, level_info: { current_level: 5 } });
    });

    it('-400 for ps outside 1–20, -404 for no such area, 12009 for an invalid type', async () => {
      for (const ps of [0, 21])
        expect((await s.anonymous().reply.list({ type: 1, oid, ps })).code).toBe(-400);
      expect((await s.anonymous().reply.list({ type: 1, oid, pn: 0 })).code).toBe(-400);
      expect((await s.anonymous().reply.list({ type: 1, oid: 424242 })).code).toBe(-404);
      expect((await s.anonymous().reply.list({ type: 99, oid })).code).toBe(12009);
      expect((await s.anonymous().get<{ code: number }>('/x/v2/reply', { oid })).code).toBe(-400);
    });

    it('a closed area stays readable, read_only and with the input disabled', async () => {
      const closed = await newArea();
      await post(viewer.client, closed, 'before closing');
      await s.admin.putArea(1, closed, { owner_mid: owner.mid, closed: true });
      const d = (await s.anonymous().reply.list({ type: 1, oid: closed })).data!;
      expect(d.replies!.length).toBe(1);
      expect(d.config.read_only).toBe(true);
      expect(d.control).toMatchObject({
        input_disable: true,
        root_input_text: '当前评论区不可新增评论',
        child_input_text: '当前评论区不可新增评论',
      });
    });
  });

  describe('GET /x/v2/reply/wbi/main and /x/v2/reply/main (cursors)', () => {
    let oid: number;
    const roots: number[] = [];
    beforeAll(async () => {
      oid = await newArea();
      for (let i = 0; i < 45; i++) roots.push(await post(viewer.client, oid, `m${i}`));
      await likeBy(2, oid, roots[10]!);
      await likeBy(1, oid, roots[20]!);
      await post(owner.client, oid, 'a reply', { root: roots[0]! });
    });
    const main = (params: Record<string, unknown>, client: BiliClient = s.anonymous()) =>
      client.reply.main({ type: 1, oid, ...params }, { signed: false });

    it('mode 2 (time): next_offset chains pages until is_end, exactly as §3.2', async () => {
      const first = (await main({ mode: 2 })).data!;
      expect(Object.keys(first)).toEqual([
        'cursor',
        'hots',
        'notice',
        'replies',
        'top',
        'top_replies',
        'lottery_card',
        'folder',
        'up_selection',
        'cm',
        'cm_info',
        'effects',
        'assist',
        'blacklist',
        'vote',
        'lottery',
        'config',
        'upper',
        'show_bvid',
        'control',
        'note',
        'esports_grade_card',
        'callbacks',
        'context_feature',
      ]);
      expect(first.cursor).toEqual({
        is_begin: true,
        prev: 45,
        next: 26,
        is_end: false,
        mode: 2,
        mode_text: '',
        all_count: 46,
        support_mode: [1, 2, 3],
        name: '最新评论',
        pagination_reply: { next_offset: '{"type":3,"direction":1,"Data":{"cursor":26}}', prev_offset: '' },
        session_id: '',
        show_type: 1,
      });
      expect(first.replies!.map((r) => r.content.message)).toEqual(
        Array.from({ length: 20 }, (_, i) => `m${44 - i}`),
      );
      expect(first).toMatchObject({
        top: { admin: null, upper: null, vote: null },
        top_replies: [],
        up_selection: { pending_count: 0, ignore_count: 0 },
        cm: {},
        cm_info: { ads: null },
        effects: { preloading: '' },
        upper: { mid: owner.mid },
        note: 1,
        esports_grade_card: null,
        callbacks: null,
        context_feature: '',
      });
      for (const r of first.replies!) expectReplyShape(r);

      const second = (await main({ mode: 2, pagination_str: ReplyApi.nextPage(first) })).data!;
      expect(second.cursor).toMatchObject({ is_begin: false, is_end: false, prev: 25, next: 6 });
      expect(second.cursor.pagination_reply).toEqual({
        next_offset: '{"type":3,"direction":1,"Data":{"cursor":6}}',
        prev_offset: '{"type":3,"direction":2,"Data":{"cursor":25}}',
      });
      const third = (await main({ mode: 2, pagination_str: ReplyApi.nextPage(second) })).data!;
      expect(third.cursor).toMatchObject({ is_begin: false, is_end: true, prev: 5, next: 1 });
      expect(third.cursor.pagination_reply.next_offset).toBe('');
      expect(third.replies!.map((r) => r.content.message)).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);

      // Backward from the second page's prev_offset is the first page again.
      const back = (
        await main({
          mode: 2,
          pagination_str: JSON.stringify({ offset: second.cursor.pagination_reply.prev_offset }),
        })
      ).data!;
      expect(back.replies!.map((r) => r.rpid)).toEqual(first.replies!.map((r) => r.rpid));
      expect(back.cursor.is_begin).toBe(true);
    });

    it('the legacy `next` cursor continues below a floor and wins over pagination_str', async () => {
      const d = (await main({ mode: 2, next: 26, ps: 3, pagination_str: '{"offset":""}' })).data!;
      expect(d.replies!.map((r) => r.content.message)).toEqual(['m24', 'm23', 'm22']);
      expect(d.cursor).toMatchObject({ is_begin: false, prev: 25, next: 23 });
    });

    it('mode 3 (hot, also mode 0): page-index cursor with {"type":1,...,"data":{"pn":N}}', async () => {
      const first = (await main({ mode: 3, ps: 20 })).data!;
      expect(first.cursor).toMatchObject({
        is_begin: true,
        prev: 1,
        next: 2,
        is_end: false,
        mode: 3,
        name: '热门评论',
        all_count: 46,
        pagination_reply: { next_offset: '{"type":1,"direction":1,"data":{"pn":2}}', prev_offset: '' },
      });
      expect(first.replies!.slice(0, 3).map((r) => r.content.message)).toEqual(['m10', 'm20', 'm0']);
      const third = (
        await main({
          mode: 3,
          ps: 20,
          pagination_str: ReplyApi.nextPage((await main({ mode: 3, ps: 20, next: 2 })).data!),
        })
      ).data!;
      expect(third.cursor).toMatchObject({ prev: 3, next: 4, is_end: true, is_begin: false });
      expect(third.replies!.length).toBe(5);
      expect((await main({ mode: 0 })).data!.cursor.mode).toBe(3);
    });

    it('mode 1 (hot then time): hots first, then the time order', async () => {
      const d = (await main({ mode: 1, ps: 5 })).data!;
      expect(d.cursor).toMatchObject({ mode: 1, prev: 45, next: 41, is_begin: true });
      expect(d.hots!.map((r) => r.content.message)).toEqual(['m10', 'm20']);
      expect(d.replies!.map((r) => r.content.message)).toEqual(['m44', 'm43', 'm42', 'm41', 'm40']);
      const next = (await main({ mode: 1, ps: 5, pagination_str: ReplyApi.nextPage(d) })).data!;
      expect(next.hots).toEqual([]);
      expect(next.replies![0]!.content.message).toBe('m39');
    });

    it('pinned: top.upper and top_replies on the first page only', async () => {
      const oid2 = await newArea();
      const a = await post(viewer.client, oid2, 'a');
      for (let i = 0; i < 3; i++) await post(viewer.client, oid2, `b${i}`);
      await owner.client.reply.top({ type: 1, oid: oid2, rpid: a, action: 1 });
      const first = (
        await s.anonymous().reply.main({ type: 1, oid: oid2, mode: 2, ps: 2 }, { signed: false })
      ).data!;
      expect(first.top_replies!.map((r) => r.rpid)).toEqual([a]);
      expect(first.top.upper!.rpid).toBe(a);
      const second = (
        await s
          .anonymous()
          .reply.main(
            { type: 1, oid: oid2, mode: 2, ps: 2, pagination_str: ReplyApi.nextPage(first) },
            { signed: false },
          )
      ).data!;
      expect(second.top_replies).toEqual([]);
      expect(second.replies!.map((r) => r.content.message)).toEqual(['b0']);
    });

    it('Wbi: a valid signature and no signature pass; a present but wrong one is -403', async () => {
      const signed = await s.anonymous().reply.main({ type: 1, oid, mode: 2, ps: 1 });
      expect(signed.code).toBe(0);
      const keys = s.services.wbi.keys();
      const params = signWbi({ type: 1, oid, mode: 2, web_location: 1315875 }, keys.imgKey, keys.subKey);
      for (const path of ['/x/v2/reply/wbi/main', '/x/v2/reply/main']) {
        expect((await s.anonymous().get<{ code: number }>(path, params)).code).toBe(0);
        expect(await s.anonymous().get(path, { ...params, w_rid: '0'.repeat(32) })).toEqual({
          code: -403,
          message: '访问权限不足',
          ttl: 1,
        });
        expect(await s.anonymous().get(path, { ...params, mode: 3 })).toEqual({
          code: -403,
          message: '访问权限不足',
          ttl: 1,
        });
        expect((await s.anonymous().get<{ code: number }>(path, { type: 1, oid })).code).toBe(0);
      }
      expect((await s.anonymous().reply.main({ type: 1, oid }, { legacy: true })).code).toBe(0);
    });

    it('-400 for a malformed pagination_str or one of the other order; -404 and 12009 for the area', async () => {
      for (const pagination_str of [
        'nope',
        '{"offset":5}',
        '{"offset":"{bad"}',
        '{"offset":"{\\"type\\":9}"}',
        '{"offset":"{\\"type\\":3,\\"direction\\":1,\\"Data\\":{\\"cursor\\":-1}}"}',
        '{"offset":"{\\"type\\":1,\\"direction\\":1,\\"data\\":{\\"pn\\":2}}"}',
      ]) {
        const body = await main({ mode: 2, pagination_str });
        expect(body.code, pagination_str).toBe(-400);
        expect(body.message).toContain('pagination_str');
      }
      expect((await main({ mode: 4 })).code).toBe(-400);
      expect((await main({ ps: 31 })).code).toBe(-400);
      expect((await s.anonymous().reply.main({ type: 1, oid: 123 }, { signed: false })).code).toBe(-404);
      expect((await s.anonymous().reply.main({ type: 0, oid }, { signed: false })).code).toBe(12009);
    });

    it('a signed-in caller sees its action here too', async () => {
      await viewer.client.reply.like({ type: 1, oid, rpid: roots[44]!, action: 1 });
      const d = (await main({ mode: 2, ps: 1 }, viewer.client)).data as ReplyMainData;
      expect(d.replies![0]).toMatchObject({ rpid: roots[44], action: 1 });
      await viewer.client.reply.like({ type: 1, oid, rpid: roots[44]!, action: 0 });
    });
  });

  describe('GET /x/v2/reply/reply, /dialog/cursor, /hot, /info, /count', () => {
    let oid: number;
    let root: number;
    let l2a: number;
    let l2b: number;
    const chain: number[] = [];
    beforeAll(async () => {
      oid = await newArea();
      root = await post(viewer.client, oid, 'root');
      l2a = await post(owner.client, oid, 'l2a', { root });
      l2b = await post(viewer.client, oid, 'l2b', { root });
      let parent = l2a;
      for (let i = 0; i < 23; i++) {
        parent = await post(i % 2 ? owner.client : viewer.client, oid, `deep${i}`, { root, parent });
        chain.push(parent);
      }
    });

    it('/reply/reply: the root (replies: null) and its replies in reply order, 20 at most', async () => {
      const body = await s.anonymous().reply.replies({ type: 1, oid, root, ps: 49 });
      expect(body.code).toBe(0);
      const d = body.data!;
      expect(Object.keys(d)).toEqual([
        'config',
        'control',
        'page',
        'replies',
        'root',
        'show_bvid',
        'show_text',
        'show_type',
        'upper',
      ]);
      expect(d.page).toEqual({ count: 25, num: 1, size: 20 });
      expect(d.root).toMatchObject({
        rpid: root,
        root: 0,
        parent: 0,
        dialog: 0,
        count: 25,
        rcount: 25,
        replies: null,
      });
      expect(d.root.reply_control.sub_reply_entry_text).toBe('共25条回复');
      expect(d.replies.length).toBe(20);
      expect(d.replies.slice(0, 3).map((r) => r.rpid)).toEqual([l2a, l2b, chain[0]]);
      for (const r of d.replies) {
        expect(r.root).toBe(root);
        expect(r.replies).toBeNull();
        expectReplyShape(r);
      }
      expect(d.upper).toEqual({ mid: owner.mid });
      const p2 = (await s.anonymous().reply.replies({ type: 1, oid, root, ps: 20, pn: 2 })).data!;
      expect(p2.replies.map((r) => r.rpid)).toEqual(chain.slice(18));
      expect((await s.anonymous().reply.replies({ type: 1, oid, root, ps: 50 })).code).toBe(-400);
    });

    it('/reply/reply: 12006 for no such root (or a reply given as root), 12022 when deleted', async () => {
      expect((await s.anonymous().reply.replies({ type: 1, oid, root: 777 })).code).toBe(12006);
      expect((await s.anonymous().reply.replies({ type: 1, oid, root: l2a })).code).toBe(12006);
      const gone = await post(viewer.client, oid, 'gone');
      await viewer.client.reply.del({ type: 1, oid, rpid: gone });
      expect(await s.anonymous().reply.replies({ type: 1, oid, root: gone })).toEqual({
        code: 12022,
        message: '已经被删除了',
        ttl: 1,
      });
    });

    it('/dialog/cursor: one conversation with floors, paged by min_floor', async () => {
      const d = (await s.anonymous().reply.dialog({ type: 1, oid, root, dialog: l2a, size: 5 })).data!;
      // Floors count the root's replies: l2a is 1, l2b 2, the chain 3…25.
      expect(d.replies.map((r) => r.floor)).toEqual([1, 3, 4, 5, 6]);
      expect(d.replies.every((r) => r.dialog === l2a)).toBe(true);
      expect(d.cursor).toEqual({ min_floor: 1, max_floor: 6, size: 5 });
      expect(d.dialog).toEqual({ min_floor: 1, max_floor: 25 });
      for (const r of d.replies) expectReplyShape(r, { floor: true });
      const next = (
        await s.anonymous().reply.dialog({ type: 1, oid, root, dialog: l2a, size: 30, min_floor: 6 })
      ).data!;
      expect(next.replies.length).toBe(19);
      expect(next.cursor).toEqual({ min_floor: 7, max_floor: 25, size: 19 });
      const other = (await s.anonymous().reply.dialog({ type: 1, oid, root, dialog: l2b, size: 5 })).data!;
      expect(other.replies.map((r) => r.rpid)).toEqual([l2b]);
      expect(
        (await s.anonymous().reply.dialog({ type: 1, oid, root, dialog: chain[0]!, size: 5 })).code,
      ).toBe(12006);
      expect(
        (
          await s
            .anonymous()
            .get<{ code: number }>('/x/v2/reply/dialog/cursor', { type: 1, oid, root, dialog: l2a })
        ).code,
      ).toBe(-400);
    });

    it('/hot: trimmed items by likes, page with acount; with root, the hot replies of that root', async () => {
      await likeBy(2, oid, chain[5]!);
      const area = (await s.anonymous().reply.hot({ type: 1, oid })).data!;
      expect(area.page).toEqual({ acount: 26, count: 1, num: 1, size: 20 });
      const items = area.replies;
      for (const r of items) expectReplyShape(r, { trimmed: true, floor: true });
      expect(items[0]!.content.max_line).toBe(999);
      expect(items[0]!.reply_control).toEqual({});
      const replies = (await s.anonymous().reply.hot({ type: 1, oid, root, ps: 2 })).data!;
      expect(replies.page).toEqual({ acount: 26, count: 25, num: 1, size: 2 });
      expect(replies.replies.map((r) => r.rpid)).toEqual([chain[5], l2a]);
    });

    it('/info: one visible comment; -404 when deleted, unknown or in another area', async () => {
      const d = (await viewer.client.reply.info({ rpid: root })).data!;
      expectReplyShape(d);
      expect(d).toMatchObject({ rpid: root, rcount: 25 });
      expect(d.replies!.length).toBe(3);
      expect((await s.anonymous().reply.info({ rpid: root, type: 1, oid })).code).toBe(0);
      expect((await s.anonymous().reply.info({ rpid: root, type: 1, oid: oid + 1 })).code).toBe(-404);
      expect((await s.anonymous().reply.info({ rpid: 1 })).code).toBe(-404);
      expect((await s.anonymous().get<{ code: number }>('/x/v2/reply/info', {})).code).toBe(-400);
    });

    it('/count: every visible comment; -404 and 12009; no login needed', async () => {
      expect(await s.anonymous().reply.count({ type: 1, oid })).toEqual({
        code: 0,
        message: '0',
        ttl: 1,
        data: { count: 26 },
      });
      expect((await s.anonymous().reply.count({ type: 1, oid: 31337 })).code).toBe(-404);
      expect((await s.anonymous().reply.count({ type: 2000, oid })).code).toBe(12009);
      expect((await s.anonymous().get<{ code: number }>('/x/v2/reply/count', { type: 1 })).code).toBe(-400);
    });
  });
});
