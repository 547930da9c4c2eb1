import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { watchSessionOut } from '../mappers/history.mapper.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const errors = { 400: AdminError, 401: AdminError, 404: AdminError };

const WatchSession = Type.Object({
  session: Type.String({ description: 'The heartbeat `session`, or `aid:cid:start_ts` when it had none' }),
  aid: Type.Integer(),
  cid: Type.Integer(),
  start_ts: Type.Integer(),
  played_time: Type.Integer({ description: 'Last reported position, s (-1 finished)' }),
  realtime: Type.Integer({ description: 'Largest reported realtime, s' }),
  real_played_time: Type.Integer({ description: 'Watch time of the session: largest real_played_time, s' }),
  video_duration: Type.Integer(),
  play_type: Type.Integer({ description: 'Last play_type (0 playing, 1 start, 2 pause, 3 resume, 4 end)' }),
  heartbeats: Type.Integer(),
  first_at: Type.Integer({ description: 'Unix seconds' }),
  last_at: Type.Integer({ description: 'Unix seconds' }),
});

const ArchiveStats = Type.Object({
  aid: Type.Integer(),
  view: Type.Integer({ description: 'Counted plays (heartbeat play_type=1 and h5 clicks, deduplicated)' }),
});

/** Watch sessions and play counts in the admin API; registered under /admin/api/v1. */
export function historyAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];

    app.get(
      '/users/:mid/watch-sessions',
      {
        schema: {
          tags: ['history'],
          summary: "A user's play sessions with their accumulated watch time, most recent first",
          security,
          params: Type.Object({ mid: Id }),
          querystring: Type.Object({
            aid: Type.Optional(Id),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(WatchSession) }), ...errors },
        },
      },
      async (request) => {
        await services.users.get(request.params.mid);
        const rows = await services.history.sessions(
          request.params.mid,
          request.query.limit ?? 100,
          request.query.aid,
        );
        return { items: rows.map(watchSessionOut) };
      },
    );

    app.get(
      '/archives/:aid/stats',
      {
        schema: {
          tags: ['history'],
          summary: "An archive's play count",
          security,
          params: Type.Object({ aid: Id }),
          response: { 200: ArchiveStats, ...errors },
        },
      },
      async (request) => services.history.stats(request.params.aid),
    );
    done();
  };
}
