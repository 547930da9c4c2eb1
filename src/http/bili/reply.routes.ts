import { WBI_OPTIONAL_403, wbiPreValidation } from '../wbi-check.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { TSchema } from 'typebox';
import type { Config } from '../../config.ts';
import { REPORT_REASONS } from '../../domain/report-reasons.ts';
import type { ReplyViewContext } from '../../services/reply-query.service.ts';
import type { Services } from '../../services/services.ts';
import { withVotes } from '../../services/reply-page-cache.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import {
  ReplyAddData,
  ReplyCountData,
  ReplyDialogData,
  ReplyHotData,
  ReplyItem,
  ReplyListData,
  ReplyMainData,
  ReplyThreadData,
} from '../../wire/reply.schema.ts';
import { done, ok } from '../envelope.ts';
import {
  addData,
  countData,
  dialogData,
  hotData,
  infoData,
  listData,
  mainData,
  threadData,
} from '../mappers/reply.mapper.ts';
import type { MapEnv } from '../mappers/reply.mapper.ts';
import { Id, Int, Params, Str } from '../params.ts';

const Opt = Type.Optional;
const AreaType = () => Int({ description: 'area type (CONTRACT.md §1); unknown → 12009' });
const Page = () => Opt(Int({ minimum: 1, maximum: 1_000_000, default: 1 }));
const Rpid = () => Id();
/** 0 or absent = none. */
const OptionalRpid = () => Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }));

const READ = { bili: { auth: 'optional' } } as const;
const WRITE = { bili: { auth: 'required', write: true } } as const;
/** Successes are written by fast-json-stringify from the wire schemas, fields in the contract's order. */
const answers = <T extends TSchema>(data: T) => ({ 200: Envelope(data) });
const DONE = { 200: DoneEnvelope };

/** Comment areas (CONTRACT.md §2–§4): six actions and the reading endpoints. */
export function replyRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const queries = services.replyQueries;
  const replies = services.replies;

  const env = (ctx: ReplyViewContext, nowMs = services.clock.nowMs()): MapEnv => ({
    ctx,
    nowMs,
    publicUrl: config.publicUrl,
  });
  const viewer = (request: FastifyRequest): number | null => request.identity?.mid ?? null;

  /**
   * A listing answer through the page cache (ReplyPageCache): the page is built for an anonymous viewer
   * and serialised once by this route's serialiser; each viewer gets it with their own votes written in.
   * `build` maps with the clock reading it is given; `plain` is the uncached answer for this viewer.
   */
  const pages = services.replyPages;
  const cachedPage = async <T>(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    address: { type: number; oid: number },
    build: (nowMs: number) => Promise<{ area: { type: number; oid: number }; body: T }>,
    plain: () => Promise<T>,
  ): Promise<T | void> => {
    const page = await pages.page(key, address, async (nowMs) => {
      const { area, body } = await build(nowMs);
      const json = reply.serialize(body);
      return {
        area,
        bytes: typeof json === 'string' ? Buffer.from(json, 'utf8') : Buffer.from(json as ArrayBuffer),
      };
    });
    if (!page) return plain();
    const votes = await queries.votesOf(viewer(request), page.distinctRpids);
    reply.type('application/json; charset=utf-8').send(withVotes(page, votes));
  };

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
        response: answers(ReplyListData),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const address = { type: q.type, oid: q.oid };
      const list = { pn: q.pn ?? 1, ps: q.ps ?? 20, sort: q.sort ?? 0, nohot: q.nohot === 1 };
      const answer = async (mid: number | null, nowMs?: number) => {
        const r = await queries.list(address, mid, list);
        return { area: r.area, body: ok(listData(r, env(r.ctx, nowMs))) };
      };
      const key = `list:${q.type}:${q.oid}:${list.sort}:${list.nohot ? 1 : 0}:${list.ps}:${list.pn}`;
      return cachedPage(
        request,
        reply,
        key,
        address,
        (nowMs) => answer(null, nowMs),
        async () => (await answer(viewer(request))).body,
      );
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
      response: answers(ReplyMainData),
    },
    // §3.2: a Wbi signature that is present but wrong is -403 here (not -352). It is checked on the URL
    // query as the client signed it, before defaults are filled in.
    preValidation: wbiPreValidation(services.wbi, WBI_OPTIONAL_403),
  };
  for (const path of ['/x/v2/reply/main', '/x/v2/reply/wbi/main']) {
    app.get(path, mainOptions, async (request, reply) => {
      const q = request.query;
      const address = { type: q.type, oid: q.oid };
      const main = { mode: q.mode ?? 3, ps: q.ps ?? 20, next: q.next ?? 0, paginationStr: q.pagination_str };
      const answer = async (mid: number | null, nowMs?: number) => {
        const r = await queries.main(address, mid, main);
        return { area: r.area, body: ok(mainData(r, env(r.ctx, nowMs))) };
      };
      const key = `main:${q.type}:${q.oid}:${main.mode}:${main.ps}:${main.next}:${main.paginationStr ?? ''}`;
      return cachedPage(
        request,
        reply,
        key,
        address,
        (nowMs) => answer(null, nowMs),
        async () => (await answer(viewer(request))).body,
      );
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
        response: answers(ReplyThreadData),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.thread({ type: q.type, oid: q.oid }, viewer(request), {
        root: q.root,
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
      });
      return ok(threadData(r, env(r.ctx)));
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
        response: answers(ReplyDialogData),
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
      return ok(dialogData(r, env(r.ctx)));
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
        response: answers(ReplyHotData),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.hot({ type: q.type, oid: q.oid }, viewer(request), {
        root: q.root ?? 0,
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
      });
      return ok(hotData(r, env(r.ctx)));
    },
  );

  app.get(
    '/x/v2/reply/info',
    {
      config: READ,
      schema: {
        querystring: Params({ type: Opt(AreaType()), oid: Opt(Id()), rpid: Rpid() }),
        response: answers(ReplyItem),
      },
    },
    async (request) => {
      const q = request.query;
      const r = await queries.info(q.rpid, { type: q.type, oid: q.oid }, viewer(request));
      return ok(infoData(r.row, env(r.ctx)));
    },
  );

  app.get(
    '/x/v2/reply/count',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({ type: AreaType(), oid: Id() }),
        response: answers(ReplyCountData),
      },
    },
    async (request) =>
      ok(countData(await queries.count({ type: request.query.type, oid: request.query.oid }))),
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
        response: answers(ReplyAddData),
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
      return ok(addData(row, env(ctx)));
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
        schema: { querystring: Params({ ...target, action: Opt(Int({ default: 0 })) }), response: DONE },
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

  app.post(
    '/x/v2/reply/del',
    { config: WRITE, schema: { querystring: Params(target), response: DONE } },
    async (request) => {
      const q = request.query;
      await replies.delete(
        { kind: 'user', mid: request.identity!.mid },
        { type: q.type, oid: q.oid, rpid: q.rpid },
      );
      return done();
    },
  );

  app.post(
    '/x/v2/reply/top',
    {
      config: WRITE,
      schema: {
        querystring: Params({ ...target, action: Opt(Int({ minimum: 0, maximum: 1, default: 0 })) }),
        response: DONE,
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
        response: DONE,
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
