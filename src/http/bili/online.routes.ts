import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { bv2av } from '../../domain/bvid.ts';
import { BiliError, badParam } from '../../errors.ts';
import { formatOnlineTotal } from '../../services/online.service.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { OnlineTotalData } from '../../wire/online.schema.ts';
import { ok } from '../envelope.ts';
import { Id, Params, Str } from '../params.ts';

/**
 * Viewers online now (CONTRACT.md §16.1): no login, `aid` or `bvid` and the part's `cid`. The counting is
 * `OnlineService`'s; this node starts its sweep/publish timer when the server is ready and withdraws its
 * counts when it closes.
 */
export function onlineRoutes(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const online = services.online;
  app.addHook('onReady', () => {
    online.start();
    return Promise.resolve();
  });
  app.addHook('onClose', () => online.stop());

  app.get(
    '/x/player/online/total',
    {
      config: { bili: { auth: 'none' } },
      schema: {
        querystring: Params({
          aid: Type.Optional(Id()),
          bvid: Type.Optional(Str({ maxLength: 16 })),
          cid: Id(),
        }),
        response: { 200: Envelope(OnlineTotalData) },
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
      const count = await online.count(aid, q.cid);
      return ok({
        total: formatOnlineTotal(count.total),
        count: String(count.web),
        show_switch: { total: true, count: true },
      });
    },
  );
}
