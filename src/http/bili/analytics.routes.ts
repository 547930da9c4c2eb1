import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { bv2av } from '../../domain/bvid.ts';
import { BiliError, badParam } from '../../errors.ts';
import { ArchiveAnalytics, DiagnoseCompareData, WatchTotalsData } from '../../wire/analytics.schema.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { ok } from '../envelope.ts';
import { Id, Int, Params, Str } from '../params.ts';

/**
 * Watch analytics on the Bilibili surface (docs/api/analytics.md): the creator-centre comparison of the
 * caller's own videos, and the caller's own watch totals for the history page. Cookie only, as on
 * Bilibili's creator centre.
 */
export function analyticsRoutes(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const read = { bili: { auth: 'required', modes: ['cookie'] } } as const;

  app.get(
    '/x/web/data/archive_diagnose/compare',
    {
      config: read,
      schema: {
        querystring: Params({
          t: Type.Optional(Int({ minimum: 0 })),
          size: Type.Optional(Int({ minimum: 1, maximum: 50 })),
        }),
        response: { 200: Envelope(DiagnoseCompareData) },
      },
    },
    async (request) => {
      const list = await services.analytics.creatorCompare(request.identity!.mid, request.query.size ?? 5);
      return ok<DiagnoseCompareData>({
        list: list.map((a) => ({
          aid: a.aid,
          bvid: a.bvid,
          cover: a.cover,
          title: a.title,
          pubtime: a.pubtime,
          duration: a.duration,
          play: a.plays,
          full_play_ratio: a.full_play_ratio,
          crash_rate: a.crash_rate,
          avg_play_time: a.avg_play_time,
        })),
      });
    },
  );

  app.get(
    '/x/replay/history/totals',
    {
      config: read,
      schema: {
        querystring: Params({
          from: Type.Optional(Str({ maxLength: 10 })),
          to: Type.Optional(Str({ maxLength: 10 })),
        }),
        response: { 200: Envelope(WatchTotalsData) },
      },
    },
    async (request) => {
      const q = request.query;
      const totals = await services.analytics.user(request.identity!.mid, {
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
      });
      return ok<WatchTotalsData>(totals);
    },
  );

  // The stats page's figures (a Replay extension): the admin API's answer, for the archive's owner only.
  app.get(
    '/x/replay/archive/analytics',
    {
      config: read,
      schema: {
        querystring: Params({
          aid: Type.Optional(Id()),
          bvid: Type.Optional(Str({ maxLength: 16 })),
          cid: Type.Optional(Id()),
          from: Type.Optional(Str({ maxLength: 10 })),
          to: Type.Optional(Str({ maxLength: 10 })),
        }),
        response: { 200: Envelope(ArchiveAnalytics) },
      },
    },
    async (request) => {
      const q = request.query;
      let aid = q.aid;
      if (q.bvid !== undefined && q.bvid !== '') {
        const fromBvid = bv2av(q.bvid);
        if (fromBvid === null) throw badParam('bvid');
        if (aid !== undefined && aid !== fromBvid) throw new BiliError(-400, 'aid 与 bvid 不一致');
        aid = fromBvid;
      }
      if (aid === undefined) throw new BiliError(-400, '缺少参数 aid 或 bvid');
      const { archive } = await services.catalog.getArchive(aid);
      if (archive.owner_mid !== request.identity!.mid) throw new BiliError(-403, '只有视频的作者可以查看');
      return ok(
        await services.analytics.archive(aid, {
          ...(q.from ? { from: q.from } : {}),
          ...(q.to ? { to: q.to } : {}),
          ...(q.cid !== undefined ? { cid: q.cid } : {}),
        }),
      );
    },
  );
}
