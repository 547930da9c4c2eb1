import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { ReplyJumpData } from '../../wire/reply-jump.schema.ts';
import { inWireOrder } from '../../wire/wire-order.ts';
import { ok } from '../envelope.ts';
import { listData, replyObject } from '../mappers/reply.mapper.ts';
import type { MapEnv, ReplyStyle } from '../mappers/reply.mapper.ts';
import { Id, Int, Params } from '../params.ts';

/** The root in `data.root` is shown as in a listing, with its previews (the located reply among them). */
const ROOT_WITH_PREVIEWS: ReplyStyle = { previews: true, maxLine: 6, floor: false, trimmed: false };

/**
 * GET /x/v2/reply/jump (CONTRACT.md §20): opens a notice in context, and is how scripts check, signed
 * out, that their comment is visible to others. Works with or without a login.
 */
export function replyJumpRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/x/v2/reply/jump',
    {
      config: { bili: { auth: 'optional' } },
      schema: {
        querystring: Params({
          type: Int({ description: 'area type (CONTRACT.md §1); unknown → 12009' }),
          oid: Id(),
          rpid: Id(),
        }),
        response: { 200: Envelope(inWireOrder(ReplyJumpData)) },
      },
    },
    async (request) => {
      const q = request.query;
      const r = await services.replyJump.jump(
        { type: q.type, oid: q.oid },
        q.rpid,
        request.identity?.mid ?? null,
      );
      const env: MapEnv = { ctx: r.list.ctx, nowMs: services.clock.nowMs(), publicUrl: config.publicUrl };
      return ok({
        ...listData(r.list, env),
        root: r.root ? replyObject(r.root, env, ROOT_WITH_PREVIEWS) : null,
      });
    },
  );
}
