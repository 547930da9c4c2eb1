import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { badParam } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { HistorySearchData } from '../../wire/history-search.schema.ts';
import { ok } from '../envelope.ts';
import { cursorItem } from '../mappers/history.mapper.ts';
import { Int, Params, Str } from '../params.ts';

const Opt = Type.Optional;
const Seconds = () => Opt(Int({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }));

/** `business` → the stored businesses it searches; `all` (or empty) searches every one. */
const BUSINESS_FILTER: Record<string, readonly string[]> = {
  all: ['archive', 'pgc', 'cheese', 'live', 'article', 'article-list'],
  archive: ['archive'],
  pgc: ['pgc'],
  cheese: ['cheese'],
  live: ['live'],
  article: ['article'],
  'article-list': ['article-list'],
};

/**
 * `device_type` → the platform codes (`dt`, CONTRACT.md §7.1) it keeps. Bilibili does not document the
 * values; Replay reads 1 as phone, 2 as web, 3 as pad and 4 as TV (docs/api/history-search.md).
 */
const DEVICE_FILTER: Record<number, readonly number[]> = {
  1: [1, 3, 5, 7],
  2: [2],
  3: [4, 6],
  4: [33],
};

/** History search (CONTRACT.md §18.1): Cookie, like the history page that calls it. */
export function historySearchRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/x/web-interface/history/search',
    {
      config: { bili: { auth: 'required', modes: ['cookie'] } },
      schema: {
        querystring: Params({
          keyword: Opt(Str({ maxLength: 100, default: '' })),
          pn: Opt(Int({ minimum: 1, maximum: 10_000, default: 1 })),
          ps: Opt(Int({ minimum: 1, maximum: 50, default: 20 })),
          business: Opt(Str({ maxLength: 16, default: '' })),
          add_time_start: Seconds(),
          add_time_end: Seconds(),
          arc_max_duration: Seconds(),
          arc_min_duration: Seconds(),
          device_type: Opt(Int({ minimum: 0, maximum: 4, default: 0 })),
          web_location: Opt(Str({ maxLength: 32 })),
        }),
        response: { 200: Envelope(HistorySearchData) },
      },
    },
    async (request) => {
      const q = request.query;
      const businesses = BUSINESS_FILTER[q.business || 'all'];
      if (!businesses) {
        throw badParam('business', '只能是 all、archive、pgc、cheese、live、article 或 article-list');
      }
      const pn = q.pn ?? 1;
      const ps = q.ps ?? 20;
      const { total, entries } = await services.history.search(
        {
          mid: request.identity!.mid,
          keyword: (q.keyword ?? '').trim().toLowerCase(),
          businesses,
          from: q.add_time_start ?? 0,
          to: q.add_time_end ?? 0,
          minDuration: q.arc_min_duration ?? 0,
          maxDuration: q.arc_max_duration ?? 0,
          dts: DEVICE_FILTER[q.device_type ?? 0] ?? null,
        },
        pn,
        ps,
      );
      return ok({
        has_more: pn * ps < total,
        page: { pn, total },
        list: entries.map((e) => cursorItem(e, config.publicUrl)),
      });
    },
  );
}
