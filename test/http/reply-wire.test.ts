import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BiliClient } from '../../src/client/index.ts';
import { createClient } from '../../src/client/index.ts';
import { ok } from '../../src/http/envelope.ts';
import {
  addData,
  countData,
  dialogData,
  hotData,
  infoData,
  listData,
  mainData,
  threadData,
} from '../../src/http/mappers/reply.mapper.ts';
import type { MapEnv } from '../../src/http/mappers/reply.mapper.ts';
import type { ReplyViewContext } from '../../src/services/reply-query.service.ts';
import { Envelope } from '../../src/wire/envelope.schema.ts';
import {
  ReplyAddData,
  ReplyCountData,
  ReplyDialogData,
  ReplyHotData,
  ReplyItem,
  ReplyListData,
  ReplyMainData,
  ReplyThreadData,
} from '../../src/wire/reply.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };
const DAY_MS = 86_400_000;

/**
 * The comment answers are written by fast-json-stringify from the schemas in src/wire/reply.schema.ts,
 * which silently drops a field the schema lacks. Each answer here is compared with what the mapper built
 * for the same request: the bytes must be those `JSON.stringify` writes for the mapper's object (what
 * Replay answered before the schemas: same keys, same order, same values), and the answer must match its
 * schema.
 */
describe.each(dialects())(
  'comment answers are the mapper objects, serialised from the schemas (%s)',
  (dialect) => {
    let s: TestServer;
    interface Actor {
      client: BiliClient;
      mid: number;
      /** The same session, with the raw text of the last answer kept. */
      raw: BiliClient;
      last: () => string;
    }
    let owner: Actor;
    let viewer: Actor;
    let mentioned: Actor;
    let oid: number;
    let closedOid: number;
    const roots: Record<string, number> = {};
    let busy: { root: number; dialog: number };
    let echo: { rpid: number; body: string; author: number };

    const actor = async (uname: string, extra: Record<string, unknown>): Promise<Actor> => {
      const u = await s.signedIn(uname, extra);
      let last = '';
      const raw = createClient({
        baseUrl: s.url,
        cookies: u.client.cookies,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          last = await response.clone().text();
          return response;
        },
      });
      return { client: u.client, mid: u.mid, raw, last: () => last };
    };
    const post = async (who: Actor, area: number, message: string, extra: Record<string, number> = {}) => {
      const body = await who.client.reply.add({ type: 1, oid: area, message, ...extra });
      expect(body.code, body.message).toBe(0);
      return body.data!.rpid;
    };
    const env = (ctx: ReplyViewContext): MapEnv => ({
      ctx,
      nowMs: s.services.clock.nowMs(),
      publicUrl: s.config.publicUrl,
    });

    /** The answer's bytes are JSON.stringify of the mapper's envelope, and the answer matches its schema. */
    const expectSame = (body: string, mapped: unknown, schema: TSchema) => {
      const envelope = ok(mapped);
      const parsed = JSON.parse(body) as { data: unknown };
      expect(parsed).toEqual(envelope);
      expect(body).toBe(JSON.stringify(envelope));
      expectWire(Envelope(schema), parsed);
      expectWire(schema, parsed.data);
    };

    beforeAll(async () => {
      s = await startTestServer(dialect, NO_LIMITS);
      const now = s.services.clock.nowMs();
      owner = await actor(`wire_owner_${dialect}`, {
        level: 6,
        vip_type: 2,
        vip_due_date: now + 30 * DAY_MS,
        official_type: 0,
        official_desc: '认证UP主',
        sex: '女',
        sign: '签名 "带引号" \\ 与换行\n第二行',
      });
      viewer = await actor(`wire_viewer_${dialect}`, { level: 3, vip_type: 1, vip_due_date: now + DAY_MS });
      // An expired membership: vipType stays, status 0.
      mentioned = await actor(`wire_at_${dialect}`, { level: 0, vip_type: 1, vip_due_date: now - DAY_MS });

      oid = 5000;
      closedOid = 5001;
      await s.admin.putArea(1, oid, { owner_mid: owner.mid });
      await s.admin.putArea(1, closedOid, { owner_mid: owner.mid });

      roots['plain'] = await post(viewer, oid, '普通评论 <b>not html</b> & "quotes" \u2028');
      s.clock.advance(90);
      roots['emotes'] = await post(viewer, oid, '表情[doge][微笑][doge] 未知[不存在的表情]');
      s.clock.advance(4000);
      roots['mention'] = await post(viewer, oid, `@wire_at_${dialect} 你好 @nobody_here`);
      roots['pinned'] = await post(owner, oid, 'UP主的置顶评论[滑稽]');
      roots['deleted'] = await post(viewer, oid, '将被删除');
      s.clock.advance(3 * 86_400);
      roots['busy'] = await post(mentioned, oid, '热闹的评论');
      const l2 = await post(viewer, oid, '二楼[doge]', { root: roots['busy'], parent: roots['busy'] });
      await post(mentioned, oid, `回复 @wire_viewer_${dialect} :三楼`, { root: roots['busy'], parent: l2 });
      await post(owner, oid, 'UP主回复', { root: roots['busy'], parent: roots['busy'] });
      const removed = await post(viewer, oid, '被UP主删除的回复', {
        root: roots['busy'],
        parent: roots['busy'],
      });
      await post(viewer, oid, `第五条 @wire_owner_${dialect}`, {
        root: roots['busy'],
        parent: roots['busy'],
      });
      busy = { root: roots['busy'], dialog: l2 };

      const target = (rpid: number) => ({ type: 1, oid, rpid });
      expect((await owner.client.reply.top({ ...target(roots['pinned']), action: 1 })).code).toBe(0);
      expect((await viewer.client.reply.del(target(roots['deleted']))).code).toBe(0);
      expect((await owner.client.reply.del(target(removed))).code).toBe(0);
      // The uploader's like (card_label, attr), the viewer's like and dislike (`action` 1 and 2).
      expect((await owner.client.reply.like({ ...target(roots['emotes']), action: 1 })).code).toBe(0);
      expect((await viewer.client.reply.like({ ...target(roots['mention']), action: 1 })).code).toBe(0);
      expect((await mentioned.client.reply.like({ ...target(roots['busy']), action: 1 })).code).toBe(0);
      expect((await viewer.client.reply.hate({ ...target(roots['plain']), action: 1 })).code).toBe(0);

      await post(viewer, closedOid, '关闭前的评论');
      await s.admin.putArea(1, closedOid, { owner_mid: owner.mid, closed: true });
      s.clock.advance(600);

      // The echo of a deep reply with emotes and a mention, kept to be compared with its stored row.
      const body = await mentioned.raw.reply.add({
        type: 1,
        oid,
        root: busy.root,
        parent: l2,
        message: `回复 @wire_viewer_${dialect} :[微笑]好的 @wire_owner_${dialect}`,
        plat: 2,
      });
      expect(body.code, body.message).toBe(0);
      echo = { rpid: body.data!.rpid, body: mentioned.last(), author: mentioned.mid };
    });
    afterAll(async () => s.close());

    const queries = () => s.services.replyQueries;
    const area = () => ({ type: 1, oid });

    it('GET /x/v2/reply: pinned, hots, previews, emotes, mentions, votes, an uploader label, deletions', async () => {
      for (const [who, q] of [
        [viewer, { pn: 1, ps: 20, sort: 0, nohot: 0 }],
        [owner, { pn: 1, ps: 20, sort: 1, nohot: 0 }],
        [viewer, { pn: 1, ps: 3, sort: 2, nohot: 1 }],
        [viewer, { pn: 2, ps: 3, sort: 0, nohot: 0 }],
      ] as const) {
        await who.raw.reply.list({ ...area(), pn: q.pn, ps: q.ps, sort: q.sort, nohot: q.nohot });
        const r = await queries().list(area(), who.mid, { ...q, nohot: q.nohot === 1 });
        expectSame(who.last(), listData(r, env(r.ctx)), ReplyListData);
      }

      // The page really has every case in it.
      await viewer.raw.reply.list({ ...area(), pn: 1, ps: 20 });
      const d = (JSON.parse(viewer.last()) as { data: ReplyListData }).data;
      const byRpid = new Map(d.replies!.map((r) => [r.rpid, r]));
      expect(d.upper.top!.rpid).toBe(roots['pinned']);
      expect(d.hots!.length).toBeGreaterThan(0);
      expect(byRpid.has(roots['deleted']!)).toBe(false);
      expect(Object.keys(byRpid.get(roots['emotes']!)!.content.emote!).sort()).toEqual(['[doge]', '[微笑]']);
      expect(byRpid.get(roots['emotes']!)!.card_label).toHaveLength(1);
      expect(byRpid.get(roots['mention']!)!.content.members!.map((m) => m.uname)).toEqual([
        `wire_at_${dialect}`,
      ]);
      expect(byRpid.get(roots['mention']!)!.action).toBe(1);
      expect(byRpid.get(roots['plain']!)!.action).toBe(2);
      expect(byRpid.get(roots['busy']!)!.replies).toHaveLength(3);
      expect(byRpid.get(roots['busy']!)!.reply_control.up_reply).toBe(true);
      expect(d.upper.top!.member!.vip).toMatchObject({ vipType: 2, vipStatus: 1 });
      expect(d.upper.top!.member!.official_verify).toEqual({ type: 0, desc: '认证UP主' });
    });

    it('GET /x/v2/reply/main and /wbi/main: both modes, first and next page', async () => {
      for (const path of ['/x/v2/reply/main', '/x/v2/reply/wbi/main']) {
        for (const mode of [3, 2, 1]) {
          await viewer.raw.get(path, { ...area(), mode, ps: 2 });
          const r = await queries().main(area(), viewer.mid, {
            mode,
            ps: 2,
            next: 0,
            paginationStr: undefined,
          });
          expectSame(viewer.last(), mainData(r, env(r.ctx)), ReplyMainData);

          const first = JSON.parse(viewer.last()) as { data: ReplyMainData };
          const paginationStr = JSON.stringify({ offset: first.data.cursor.pagination_reply.next_offset });
          await viewer.raw.get(path, { ...area(), mode, ps: 2, pagination_str: paginationStr });
          const next = await queries().main(area(), viewer.mid, { mode, ps: 2, next: 0, paginationStr });
          expectSame(viewer.last(), mainData(next, env(next.ctx)), ReplyMainData);
        }
      }
    });

    it('GET /x/v2/reply/reply and /dialog/cursor: a busy thread with a deleted reply', async () => {
      for (const who of [viewer, owner]) {
        await who.raw.reply.replies({ ...area(), root: busy.root, ps: 20, pn: 1 });
        const r = await queries().thread(area(), who.mid, { root: busy.root, pn: 1, ps: 20 });
        expectSame(who.last(), threadData(r, env(r.ctx)), ReplyThreadData);

        await who.raw.reply.dialog({ ...area(), root: busy.root, dialog: busy.dialog, size: 10 });
        const d = await queries().dialog(area(), who.mid, {
          root: busy.root,
          dialog: busy.dialog,
          size: 10,
          minFloor: 0,
        });
        expectSame(who.last(), dialogData(d, env(d.ctx)), ReplyDialogData);
      }
    });

    it('GET /x/v2/reply/hot (trimmed items), /info and /count', async () => {
      for (const root of [0, busy.root]) {
        await viewer.raw.reply.hot({ ...area(), root, ps: 20, pn: 1 });
        const r = await queries().hot(area(), viewer.mid, { root, pn: 1, ps: 20 });
        expectSame(viewer.last(), hotData(r, env(r.ctx)), ReplyHotData);
      }
      for (const rpid of [roots['busy']!, roots['emotes']!, roots['pinned']!, busy.dialog]) {
        await viewer.raw.reply.info({ rpid });
        const r = await queries().info(rpid, { type: undefined, oid: undefined }, viewer.mid);
        expectSame(viewer.last(), infoData(r.row, env(r.ctx)), ReplyItem);
      }
      await viewer.raw.reply.count(area());
      expectSame(viewer.last(), countData(await queries().count(area())), ReplyCountData);
    });

    it('a closed area: read-only config and a disabled input box', async () => {
      const closed = { type: 1, oid: closedOid };
      await viewer.raw.reply.list({ ...closed, pn: 1, ps: 20 });
      const r = await queries().list(closed, viewer.mid, { pn: 1, ps: 20, sort: 0, nohot: false });
      expectSame(viewer.last(), listData(r, env(r.ctx)), ReplyListData);
      expect(JSON.parse(viewer.last())).toMatchObject({ data: { control: { input_disable: true } } });
    });

    it('POST /x/v2/reply/add: the echo is the mapper object of the stored comment', async () => {
      const row = await s.store.replies.find(echo.rpid);
      const author = (await s.store.users.findByMids([echo.author])).get(echo.author)!;
      const ctx = await queries().echoContext(row!, author);
      expectSame(echo.body, addData(row!, env(ctx)), ReplyAddData);
      const d = (JSON.parse(echo.body) as { data: ReplyAddData }).data;
      expect(Object.keys(d.emote)).toEqual(['[微笑]']);
      expect(d.reply!.content.members!.map((m) => m.uname).sort()).toEqual(
        [`wire_owner_${dialect}`, `wire_viewer_${dialect}`].sort(),
      );
    });
  },
);
