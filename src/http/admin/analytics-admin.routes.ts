import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError } from './admin.schemas.ts';
import { ArchiveAnalytics, UserWatchTotals } from '../../wire/analytics.schema.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const errors = { 400: AdminError, 401: AdminError, 404: AdminError };
const DateStr = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description });

const Range = Type.Object({
  from: Type.Optional(DateStr('First day (UTC), default 29 days before `to`')),
  to: Type.Optional(DateStr('Last day (UTC), default today')),
});

/** Watch analytics in the admin API (docs/api/analytics.md); registered under /admin/api/v1. */
export function analyticsAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];

    app.get(
      '/archives/:aid/analytics',
      {
        schema: {
          tags: ['analytics'],
          summary: "An archive's watch analytics per day, its retention curve and viewers online now",
          security,
          params: Type.Object({ aid: Id }),
          querystring: Type.Object({ ...Range.properties, cid: Type.Optional(Id) }),
          response: { 200: ArchiveAnalytics, ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        return services.analytics.archive(request.params.aid, {
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
          ...(q.cid !== undefined ? { cid: q.cid } : {}),
        });
      },
    );

    app.get(
      '/users/:mid/watch-totals',
      {
        schema: {
          tags: ['analytics'],
          summary: "A user's plays and watch time per day",
          security,
          params: Type.Object({ mid: Id }),
          querystring: Range,
          response: { 200: UserWatchTotals, ...errors },
        },
      },
      async (request) => {
        await services.users.get(request.params.mid);
        const q = request.query;
        return services.analytics.user(request.params.mid, {
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
        });
      },
    );
    done();
  };
}
