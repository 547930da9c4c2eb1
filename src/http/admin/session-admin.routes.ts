import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { AdminError, MidParam } from './admin.schemas.ts';

const errors = { 400: AdminError, 401: AdminError, 404: AdminError };

const CookieRefresh = Type.Object({
  mid: Type.Integer(),
  forced: Type.Boolean({
    description:
      "Whether `cookie/info` answers `refresh: true` for this user's web sessions; cleared by the next completed cookie/refresh",
  }),
});

/** Session controls in the admin API; registered under /admin/api/v1. */
export function sessionAdminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];

    app.get(
      '/users/:mid/cookie-refresh',
      {
        schema: {
          tags: ['users'],
          summary: 'Whether web clients of this user are told to refresh their cookies',
          security,
          params: MidParam,
          response: { 200: CookieRefresh, ...errors },
        },
      },
      async (request) => {
        const user = await services.users.get(request.params.mid);
        return { mid: user.mid, forced: await services.sessions.isRefreshForced(user.mid) };
      },
    );

    app.put(
      '/users/:mid/cookie-refresh',
      {
        schema: {
          tags: ['users'],
          summary:
            "Make `cookie/info` answer `refresh: true` for this user's web sessions (forced: true) until one of them refreshes, or stop it",
          security,
          params: MidParam,
          body: Type.Object({ forced: Type.Boolean() }, { additionalProperties: false }),
          response: { 200: CookieRefresh, ...errors },
        },
      },
      async (request) => {
        const user = await services.users.get(request.params.mid);
        await services.sessions.setRefreshForced(user.mid, request.body.forced);
        return { mid: user.mid, forced: request.body.forced };
      },
    );
    done();
  };
}
