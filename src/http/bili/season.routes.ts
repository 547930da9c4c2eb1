import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Config } from '../../config.ts';
import { CHEESE_BUSINESS, PGC_BUSINESS } from '../../domain/season.ts';
import type { Services } from '../../services/services.ts';
import { Envelope } from '../../wire/envelope.schema.ts';
import { CourseSeasonData, PgcSeasonResult, ResultEnvelope } from '../../wire/season.schema.ts';
import { courseSeasonData, pgcSeasonResult } from '../mappers/season.mapper.ts';
import { Id, Params } from '../params.ts';

const SeasonParams = Params({ season_id: Type.Optional(Id()), ep_id: Type.Optional(Id()) });

/**
 * The season-info endpoints (docs/api/episodes-and-courses.md): a season's (`/pgc/view/web/season`) or
 * course's (`/pugv/view/web/season`) episodes, named by `season_id` or `ep_id`, with the signed-in viewer's
 * progress. Both answer `message: "success"` as Bilibili does; the pgc one puts its payload in `result`.
 */
export function seasonRoutes(scope: FastifyInstance, services: Services, config: Config): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/pgc/view/web/season',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      schema: { querystring: SeasonParams, response: { 200: ResultEnvelope(PgcSeasonResult) } },
    },
    async (request) => {
      const mid = request.identity?.mid ?? null;
      const view = await services.seasons.view(
        PGC_BUSINESS,
        { seasonId: request.query.season_id, epid: request.query.ep_id },
        mid,
      );
      return {
        code: 0,
        message: 'success',
        ttl: 1 as const,
        result: pgcSeasonResult(view, mid !== null, config.publicUrl),
      };
    },
  );

  app.get(
    '/pugv/view/web/season',
    {
      config: { bili: { auth: 'optional', modes: ['cookie'] } },
      schema: { querystring: SeasonParams, response: { 200: Envelope(CourseSeasonData) } },
    },
    async (request) => {
      const mid = request.identity?.mid ?? null;
      const view = await services.seasons.view(
        CHEESE_BUSINESS,
        { seasonId: request.query.season_id, epid: request.query.ep_id },
        mid,
      );
      return {
        code: 0,
        message: 'success',
        ttl: 1 as const,
        data: courseSeasonData(view, mid !== null, config.publicUrl),
      };
    },
  );
}
