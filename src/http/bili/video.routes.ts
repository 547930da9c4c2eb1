import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { VideoViewData } from '../../wire/video.schema.ts';
import { ok } from '../envelope.ts';
import { videoView } from '../mappers/video.mapper.ts';
import { Id, Params, Str } from '../params.ts';

/**
 * Video info, `GET /x/web-interface/view` (and its Wbi path): not in CONTRACT.md, but it is how Bilibili's
 * web page learns an archive's title, parts and view count, so the watch page asks it the same way.
 */
export function videoRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  for (const path of ['/x/web-interface/view', '/x/web-interface/wbi/view']) {
    app.get(
      path,
      {
        config: { bili: { auth: 'none' } },
        schema: {
          querystring: Params({ aid: Type.Optional(Id()), bvid: Type.Optional(Str({ maxLength: 16 })) }),
          response: { 200: Envelope(VideoViewData) },
        },
      },
      async (request) => {
        const { aid, bvid } = request.query;
        return ok(videoView(await services.video.view({ aid, bvid }), config.publicUrl));
      },
    );
  }
}
