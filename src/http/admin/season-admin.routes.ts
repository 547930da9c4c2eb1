import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Static } from 'typebox';
import { CHEESE_BUSINESS, PGC_BUSINESS, seasonBadge } from '../../domain/season.ts';
import type { SeasonBusiness } from '../../domain/season.ts';
import type { SeasonWithEpisodes } from '../../services/season.service.ts';
import type { Services } from '../../services/services.ts';
import { seasonNewDesc } from '../mappers/history.mapper.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import { MAX_GIVEN_ID, MAX_TIME_SECONDS } from '../../domain/ids.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** An id given to a new row: automatic ids continue above it (domain/ids.ts). */
const GivenId = Type.Integer({ minimum: 1, maximum: MAX_GIVEN_ID });
const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };
const Total = Type.Integer({
  minimum: 0,
  maximum: 100_000,
  description: 'Announced number of episodes; 0 = not announced',
});

export const EpisodeIn = Type.Object(
  {
    epid: Type.Optional(GivenId),
    aid: Type.Integer({ minimum: 1, maximum: 2 ** 51 - 1, description: 'The archive carrying the episode' }),
    cid: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: 'Its part (default: the first)',
      }),
    ),
    title: Type.Optional(
      Type.String({
        maxLength: 80,
        description:
          'Short title: the episode number ("8", default its position); a lesson title (default the part title)',
      }),
    ),
    long_title: Type.Optional(Type.String({ maxLength: 200 })),
    pub_time: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_TIME_SECONDS, description: 'Unix seconds' }),
    ),
  },
  { additionalProperties: false },
);

const Common = {
  season_id: Type.Optional(GivenId),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  cover: Type.Optional(Type.String({ maxLength: 2048 })),
  desc: Type.Optional(Type.String({ maxLength: 2000 })),
  total: Type.Optional(Total),
  is_finish: Type.Optional(Type.Boolean()),
};

export const SeasonBody = Type.Object(
  {
    ...Common,
    media_id: Type.Optional(Id),
    sub_type: Type.Integer({
      minimum: 1,
      maximum: 7,
      description: '1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺',
    }),
    episodes: Type.Array(EpisodeIn, { minItems: 1, maxItems: 2000 }),
  },
  { additionalProperties: false },
);

export const CourseBody = Type.Object(
  { ...Common, lessons: Type.Array(EpisodeIn, { minItems: 1, maxItems: 2000 }) },
  { additionalProperties: false },
);

export const SeasonPatchBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    cover: Type.Optional(Type.String({ maxLength: 2048 })),
    desc: Type.Optional(Type.String({ maxLength: 2000 })),
    total: Type.Optional(Total),
    is_finish: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const EpisodesBody = Type.Object(
  { episodes: Type.Array(EpisodeIn, { minItems: 1, maxItems: 2000 }) },
  { additionalProperties: false },
);

export const EpisodeOut = Type.Object({
  epid: Type.Integer(),
  index: Type.Integer({ description: 'Position in the season, from 1' }),
  title: Type.String(),
  long_title: Type.String(),
  aid: Type.Integer(),
  cid: Type.Integer(),
  pub_time: Type.Integer(),
});

export const SeasonOut = Type.Object({
  business: Type.String({ description: '`pgc` (season) or `cheese` (course): the history business' }),
  season_id: Type.Integer(),
  media_id: Type.Integer(),
  title: Type.String(),
  sub_type: Type.Integer(),
  badge: Type.String(),
  cover: Type.String(),
  desc: Type.String(),
  total: Type.Integer(),
  is_finish: Type.Boolean(),
  new_desc: Type.String({ description: '"更新至第N话" / "全N话" as the history lists show it' }),
  created_at: Type.Integer(),
  episodes: Type.Array(EpisodeOut),
});
export type SeasonOut = Static<typeof SeasonOut>;

export function seasonOut({ season, episodes }: SeasonWithEpisodes): SeasonOut {
  return {
    business: season.business,
    season_id: season.season_id,
    media_id: season.media_id,
    title: season.title,
    sub_type: season.sub_type,
    badge: seasonBadge(season.business, season.sub_type),
    cover: season.cover,
    desc: season.description,
    total: season.total,
    is_finish: season.is_finish === 1,
    new_desc: seasonNewDesc(season, episodes),
    created_at: season.created_at,
    episodes: episodes.map((e) => ({
      epid: e.epid,
      index: e.ord,
      title: e.title,
      long_title: e.long_title,
      aid: e.aid,
      cid: e.cid,
      pub_time: e.pub_time,
    })),
  };
}

const SeasonIdParam = Type.Object({ season_id: Id });

/** Seasons (`/seasons`) and courses (`/courses`) of the catalogue; registered under /admin/api/v1. */
export function seasonAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];
    const seasons = services.seasons;

    app.post(
      '/seasons',
      {
        schema: {
          tags: ['seasons'],
          summary: 'Create a season (番剧, 电影, …) whose episodes are parts of existing archives',
          security,
          body: SeasonBody,
          response: { 201: SeasonOut, ...errors },
        },
      },
      async (request, reply) => reply.status(201).send(seasonOut(await seasons.createSeason(request.body))),
    );

    app.post(
      '/courses',
      {
        schema: {
          tags: ['seasons'],
          summary: 'Create a course (课程) whose lessons are parts of existing archives',
          security,
          body: CourseBody,
          response: { 201: SeasonOut, ...errors },
        },
      },
      async (request, reply) => {
        const { lessons, ...rest } = request.body;
        return reply.status(201).send(seasonOut(await seasons.createCourse({ ...rest, episodes: lessons })));
      },
    );

    for (const [path, business] of [
      ['seasons', PGC_BUSINESS],
      ['courses', CHEESE_BUSINESS],
    ] as [string, SeasonBusiness][]) {
      app.get(
        `/${path}/:season_id`,
        {
          schema: {
            tags: ['seasons'],
            security,
            params: SeasonIdParam,
            response: { 200: SeasonOut, ...errors },
          },
        },
        async (request) => seasonOut(await seasons.get(business, request.params.season_id)),
      );

      app.patch(
        `/${path}/:season_id`,
        {
          schema: {
            tags: ['seasons'],
            summary: 'Change the title, cover, description, announced total or finished flag',
            security,
            params: SeasonIdParam,
            body: SeasonPatchBody,
            response: { 200: SeasonOut, ...errors },
          },
        },
        async (request) => seasonOut(await seasons.update(business, request.params.season_id, request.body)),
      );

      app.post(
        `/${path}/:season_id/episodes`,
        {
          schema: {
            tags: ['seasons'],
            summary: 'Append episodes (lessons) after the last one',
            security,
            params: SeasonIdParam,
            body: EpisodesBody,
            response: { 200: SeasonOut, ...errors },
          },
        },
        async (request) =>
          seasonOut(await seasons.addEpisodes(business, request.params.season_id, request.body.episodes)),
      );
    }
    done();
  };
}
