import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { REPORT_REASONS } from '../../domain/report-reasons.ts';
import { BiliError } from '../../errors.ts';
import type { ReplyViewContext } from '../../services/reply-query.service.ts';
import type { Services } from '../../services/services.ts';
import type { ReplyRow } from '../../store/repositories/reply.repository.ts';
import { done, ok } from '../envelope.ts';
import {
  DIALOG_STYLE,
  ECHO_STYLE,
  FOLDER,
  HOT_STYLE,
  LIST_STYLE,
  listConfig,
  listControl,
} from '../mappers/reply.mapper.ts';
import type { MapEnv, ReplyStyle } from '../mappers/reply.mapper.ts';
import { replyObject } from '../mappers/reply.mapper.ts';
import { Id, Int, Params, Str } from '../params.ts';

const Opt = Type.Optional;
const AreaType = () => Int({ description: 'area type (CONTRACT.md §1); unknown → 12009' });
const Page = () => Opt(Int({ minimum: 1, maximum: 1_000_000, default: 1 }));
const Rpid = () => Id();
/** 0 or absent = none. */
const OptionalRpid = () => Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }));

const READ = { bili: { auth: 'optional' } } as const;
const WRITE = { bili: { auth: 'required', write: true } } as const;

/** Comment areas (CONTRACT.md §2–§4): six actions and the reading endpoints. */
export function replyRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const queries = services.replyQueries;
  const replies = services.replies;

  // Comments waiting for their group's commit are written before the database closes (SIGTERM, tests).
  app.addHook('onClose', () => replies.drain());

  const env = (ctx: ReplyViewContext): MapEnv => ({
    ctx,
    nowMs: services.clock.nowMs(),
    publicUrl: config.publicUrl,
  });
  const viewer = (request: FastifyRequest): number | null => request.identity?.mid ?? null;
  const map = (rows: readonly ReplyRow[], e: MapEnv, style: ReplyStyle = LIST_STYLE) =>
    rows.map((row) => replyObject(row, e, style));

  // --- reading (§3) --------------------------------------------------------------------------------

  app.get(
    '/x/v2/reply',
    {
      config: READ,
      schema: {
        querystring: Params({
          type: AreaType(),
          oid: Id(),
          sort: Opt(Int({ minimum: 0, maximum: 2, default: 0 })),
          nohot: Opt(Int({ minimum: 0, maximum: 1, default: 0 })),
          ps: Opt(Int({ minimum: 1, maximum: 20, default: 20 })),
          pn: Page(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.list({ type: q.type, oid: q.oid }, viewer(request), {
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
        sort: q.sort ?? 0,
        nohot: q.nohot === 1,
      });
      const e = env(r.ctx);
      return ok({
        page: r.page,
        config: listConfig(r.area),
        replies: map(r.rows, e),
        hots: map(r.hots, e),
        upper: {
          mid: r.area.owner_mid,
          top: r.pinned ? replyObject(r.pinned, e, LIST_STYLE) : null,
          vote: null,
        },
        top: null,
        notice: null,
        vote: 0,
        blacklist: 0,
        assist: 0,
        mode: 3,
        support_mode: [1, 2, 3],
        folder: FOLDER,
        lottery_card: null,
        show_bvid: false,
        control: listControl(r.area),
      });
    },
  );

  const mainOptions = {
    config: READ,
    schema: {
      querystring: Params({
        type: AreaType(),
        oid: Id(),
        mode: Opt(Int({ minimum: 0, maximum: 3, default: 3 })),
        next: Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
        ps: Opt(Int({ minimum: 1, maximum: 30, default: 20 })),
        pagination_str: Opt(Str({ maxLength: 1024 })),
      }),
    },
    // §3.2: a Wbi signature that is present but wrong is -403 here (not -352). It is checked on the URL
    // query as the client signed it, before defaults are filled in.
    preValidation: (request: FastifyRequest): Promise<void> => {
      const query = urlQuery(request.url);
      if (query['w_rid'] !== undefined && !services.wbi.verify(query))
        return Promise.reject(new BiliError(-403));
      return Promise.resolve();
    },
  };
  for (const path of ['/x/v2/reply/main', '/x/v2/reply/wbi/main']) {
    app.get(path, mainOptions, async (request) => {
      const q = request.query;
      const r = await queries.main({ type: q.type, oid: q.oid }, viewer(request), {
        mode: q.mode ?? 3,
        ps: q.ps ?? 20,
        next: q.next ?? 0,
        paginationStr: q.pagination_str,
      });
      const e = env(r.ctx);
      const top = r.pinned ? replyObject(r.pinned, e, LIST_STYLE) : null;
      const c = r.cursor;
      return ok({
        cursor: {
          is_begin: c.isBegin,
          prev: c.prev,
          next: c.next,
          is_end: c.isEnd,
          mode: c.mode,
          mode_text: '',
          all_count: Number(r.area.all_count),
          support_mode: [1, 2, 3],
          name: c.mode === 3 ? '热门评论' : '最新评论',
          pagination_reply: { next_offset: c.nextOffset, prev_offset: c.prevOffset },
          session_id: '',
          show_type: 1,
        },
        hots: map(r.hots, e),
        notice: null,
        replies: map(r.rows, e),
        top: { admin: null, upper: top, vote: null },
        top_replies: top ? [top] : [],
        lottery_card: null,
        folder: FOLDER,
        up_selection: { pending_count: 0, ignore_count: 0 },
        cm: {},
        cm_info: { ads: null },
        effects: { preloading: '' },
        assist: 0,
        blacklist: 0,
        vote: 0,
        lottery: 0,
        config: listConfig(r.area),
        upper: { mid: r.area.owner_mid },
        show_bvid: false,
        control: listControl(r.area),
        note: 1,
        esports_grade_card: null,
        callbacks: null,
        context_feature: '',
      });
    });
  }

  app.get(
    '/x/v2/reply/reply',
    {
      config: READ,
      schema: {
        querystring: Params({
          type: AreaType(),
          oid: Id(),
          root: Rpid(),
          ps: Opt(Int({ minimum: 1, maximum: 49, default: 20 })),
          pn: Page(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.thread({ type: q.type, oid: q.oid }, viewer(request), {
        root: q.root,
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
      });
      const e = env(r.ctx);
      return ok({
        config: listConfig(r.area),
        control: listControl(r.area),
        page: r.page,
        replies: map(r.rows, e),
        root: replyObject(r.root, e, { ...LIST_STYLE, previews: false }),
        show_bvid: false,
        show_text: '',
        show_type: 1,
        upper: { mid: r.area.owner_mid },
      });
    },
  );

  app.get(
    '/x/v2/reply/dialog/cursor',
    {
      config: READ,
      schema: {
        querystring: Params({
          type: AreaType(),
          oid: Id(),
          root: Rpid(),
          dialog: Rpid(),
          size: Int({ minimum: 1, maximum: 49 }),
          min_floor: Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.dialog({ type: q.type, oid: q.oid }, viewer(request), {
        root: q.root,
        dialog: q.dialog,
        size: q.size,
        minFloor: q.min_floor ?? 0,
      });
      const e = env(r.ctx);
      return ok({
        cursor: r.cursor,
        dialog: r.dialog,
        replies: map(r.rows, e, DIALOG_STYLE),
        assist: 0,
        blacklist: 0,
        vote: 0,
        lottery: 0,
        config: listConfig(r.area),
        upper: { mid: r.area.owner_mid },
        show_bvid: false,
        control: listControl(r.area),
        note: 1,
      });
    },
  );

  app.get(
    '/x/v2/reply/hot',
    {
      config: READ,
      schema: {
        querystring: Params({
          type: AreaType(),
          oid: Id(),
          // §3.5: required per the table, absent from the example; absent = the area's hot comments.
          root: OptionalRpid(),
          ps: Opt(Int({ minimum: 1, maximum: 49, default: 20 })),
          pn: Page(),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.hot({ type: q.type, oid: q.oid }, viewer(request), {
        root: q.root ?? 0,
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
      });
      return ok({ page: r.page, replies: map(r.rows, env(r.ctx), HOT_STYLE) });
    },
  );

  app.get(
    '/x/v2/reply/info',
    {
      config: READ,
      schema: {
        querystring: Params({ type: Opt(AreaType()), oid: Opt(Id()), rpid: Rpid() }),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.info(q.rpid, { type: q.type, oid: q.oid }, viewer(request));
      return ok(replyObject(r.row, env(r.ctx), LIST_STYLE));
    },
  );

  app.get(
    '/x/v2/reply/count',
    {
      config: { bili: { auth: 'none' } },
      schema: { querystring: Params({ type: AreaType(), oid: Id() }) },
    },
    async (request) =>
      ok({ count: await queries.count({ type: request.query.type, oid: request.query.oid }) }),
  );

  // --- actions (§4) --------------------------------------------------------------------------------

  app.post(
    '/x/v2/reply/add',
    {
      config: WRITE,
      schema: {
        querystring: Params({
          type: AreaType(),
          oid: Id(),
          root: OptionalRpid(),
          parent: OptionalRpid(),
          // Long messages must reach the service to be answered 12025, not -400.
          message: Str({ maxLength: 200_000 }),
          plat: Opt(Int({ minimum: 0, maximum: 99, default: 1 })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const author = request.identity!.user;
      const { row } = await replies.add(author, {
        type: q.type,
        oid: q.oid,
        root: q.root ?? 0,
        parent: q.parent ?? 0,
        message: q.message,
        plat: q.plat ?? 1,
      });
      const ctx = await queries.echoContext(row, author);
      return ok({
        success_action: 0,
        success_toast: '发送成功',
        need_captcha: false,
        url: '',
        rpid: row.rpid,
        rpid_str: String(row.rpid),
        dialog: row.dialog,
        dialog_str: String(row.dialog),
        root: row.root,
        root_str: String(row.root),
        parent: row.parent,
        parent_str: String(row.parent),
        emote: ctx.emotes.get(row.rpid) ?? {},
        reply: replyObject(row, env(ctx), ECHO_STYLE),
      });
    },
  );

  const target = {
    type: AreaType(),
    oid: Id(),
    rpid: Rpid(),
  };

  for (const [path, kind] of [
    ['/x/v2/reply/action', 'like'],
    ['/x/v2/reply/hate', 'hate'],
  ] as const) {
    app.post(
      path,
      {
        config: WRITE,
        // `action` outside {0, 1} is 12011, so any integer passes validation.
        schema: { querystring: Params({ ...target, action: Opt(Int({ default: 0 })) }) },
      },
      async (request) => {
        const q = request.query;
        await replies.vote(
          request.identity!.user,
          { type: q.type, oid: q.oid, rpid: q.rpid, action: q.action ?? 0 },
          kind,
        );
        return done();
      },
    );
  }

  app.post('/x/v2/reply/del', { config: WRITE, schema: { querystring: Params(target) } }, async (request) => {
    const q = request.query;
    await replies.delete(
      { kind: 'user', mid: request.identity!.mid },
      { type: q.type, oid: q.oid, rpid: q.rpid },
    );
    return done();
  });

  app.post(
    '/x/v2/reply/top',
    {
      config: WRITE,
      schema: {
        querystring: Params({ ...target, action: Opt(Int({ minimum: 0, maximum: 1, default: 0 })) }),
      },
    },
    async (request) => {
      const q = request.query;
      await replies.pin(request.identity!.user, {
        type: q.type,
        oid: q.oid,
        rpid: q.rpid,
        action: q.action ?? 0,
      });
      return done();
    },
  );

  app.post(
    '/x/v2/reply/report',
    {
      config: WRITE,
      schema: {
        querystring: Params({
          ...target,
          reason: Int({ minimum: 0, maximum: REPORT_REASONS.length - 1 }),
          content: Opt(Str({ maxLength: 4096, default: '' })),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      await replies.report(request.identity!.user, {
        type: q.type,
        oid: q.oid,
        rpid: q.rpid,
        reason: q.reason,
        content: q.content ?? '',
      });
      return done();
    },
  );
}

/** The URL's own query (what a Wbi signature covers), without form-body fields or filled-in defaults. */
function urlQuery(url: string): Record<string, string> {
  const at = url.indexOf('?');
  const out: Record<string, string> = {};
  if (at < 0) return out;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) out[key] = value;
  return out;
}
