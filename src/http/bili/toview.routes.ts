import { WBI_OPTIONAL, checkWbi as checkWbiOf } from '../wbi-check.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { badParam } from '../../errors.ts';
import { TOVIEW_LIMIT } from '../../services/toview.service.ts';
import type { Services } from '../../services/services.ts';
import { DoneEnvelope, Envelope } from '../../wire/envelope.schema.ts';
import { ToviewData, ToviewWebData } from '../../wire/toview.schema.ts';
import { done, ok } from '../envelope.ts';
import { toviewItem, toviewWebItem } from '../mappers/toview.mapper.ts';
import { Id, Int, Params, Str } from '../params.ts';

const Opt = Type.Optional;

/**
 * Watch-later (CONTRACT.md §17): Cookie only, like the web pages that call it. `/toview/web` is Wbi-signed
 * by the web page; as on the other Wbi routes a present but wrong signature is -352 and an absent one is
 * accepted.
 */
export function toviewRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const toview = services.toview;
  const read = { bili: { auth: 'required', modes: ['cookie'] } } as const;
  const write = { bili: { auth: 'required', modes: ['cookie'], write: true } } as const;

  const checkWbi = (request: FastifyRequest): void => checkWbiOf(services.wbi, request.url, WBI_OPTIONAL);

  app.get(
    '/x/v2/history/toview',
    { config: read, schema: { response: { 200: Envelope(ToviewData) } } },
    async (request) => {
      const entries = await toview.list(request.identity!.mid);
      return ok({ count: entries.length, list: entries.map((e) => toviewItem(e, config.publicUrl)) });
    },
  );

  app.get(
    '/x/v2/history/toview/web',
    {
      config: read,
      schema: {
        querystring: Params({
          pn: Opt(Int({ minimum: 1, maximum: 10_000, default: 1 })),
          ps: Opt(Int({ minimum: 1, maximum: TOVIEW_LIMIT, default: 20 })),
          viewed: Opt(Int({ minimum: 0, maximum: 2, default: 0 })),
          key: Opt(Str({ maxLength: 100, default: '' })),
          asc: Opt(Str({ maxLength: 8 })),
          need_split: Opt(Str({ maxLength: 8 })),
          web_location: Opt(Str({ maxLength: 32 })),
        }),
        response: { 200: Envelope(ToviewWebData) },
      },
    },
    async (request) => {
      checkWbi(request);
      const q = request.query;
      const page = await toview.web(request.identity!.mid, {
        pn: q.pn ?? 1,
        ps: q.ps ?? 20,
        viewed: q.viewed ?? 0,
        key: q.key ?? '',
        asc: parseBool('asc', q.asc),
      });
      return ok({ count: page.count, list: page.entries.map((e) => toviewWebItem(e, config.publicUrl)) });
    },
  );

  app.post(
    '/x/v2/history/toview/add',
    {
      config: write,
      schema: {
        querystring: Params({ aid: Opt(Id()), bvid: Opt(Str({ maxLength: 16 })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      await toview.add(request.identity!.mid, request.query.aid, request.query.bvid);
      return done();
    },
  );

  app.post(
    '/x/v2/history/toview/del',
    {
      config: write,
      schema: {
        querystring: Params({ aid: Opt(Id()), viewed: Opt(Str({ maxLength: 8 })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      const q = request.query;
      await toview.del(request.identity!.mid, q.aid, parseBool('viewed', q.viewed));
      return done();
    },
  );

  app.post(
    '/x/v2/history/toview/v2/dels',
    {
      config: write,
      schema: {
        querystring: Params({ resources: Str({ maxLength: 4096 }) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      await toview.dels(request.identity!.mid, request.query.resources);
      return done();
    },
  );

  app.post(
    '/x/v2/history/toview/clear',
    {
      config: write,
      schema: {
        querystring: Params({ clean_type: Opt(Int({ minimum: 0, maximum: 2 })) }),
        response: { 200: DoneEnvelope },
      },
    },
    async (request) => {
      await toview.clear(request.identity!.mid, request.query.clean_type ?? 0);
      return done();
    },
  );
}

/** A documented bool parameter: true/false (or 1/0); absent or empty is false. */
function parseBool(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  const v = value.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw badParam(name, '只能是 true 或 false');
}

/** The URL's own query (what a Wbi signature covers); a repeated key becomes an array, which never verifies. */
