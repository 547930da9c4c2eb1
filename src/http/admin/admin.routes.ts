import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import {
  AdminError,
  AidParam,
  Archive,
  ArchiveBody,
  Area,
  AreaBody,
  AreaParams,
  MidParam,
  SessionIssued,
  User,
  UserBody,
  UserPatchBody,
  archiveOut,
  areaOut,
  userOut,
} from './admin.schemas.ts';

const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };

/** The operator API under /admin/api/v1 (JSON, bearer token). Registered with that prefix. */
export function adminRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];

    app.post(
      '/users',
      { schema: { tags: ['users'], security, body: UserBody, response: { 201: User, ...errors } } },
      async (request, reply) => reply.status(201).send(userOut(await services.users.create(request.body))),
    );

    app.get(
      '/users/:mid',
      { schema: { tags: ['users'], security, params: MidParam, response: { 200: User, ...errors } } },
      async (request) => userOut(await services.users.get(request.params.mid)),
    );

    app.patch(
      '/users/:mid',
      {
        schema: {
          tags: ['users'],
          security,
          params: MidParam,
          body: UserPatchBody,
          response: { 200: User, ...errors },
        },
      },
      async (request) => {
        // A change of `banned` is a moderator action: audited in the update's transaction.
        const { banned, ...rest } = request.body;
        return userOut(
          banned === undefined
            ? await services.users.update(request.params.mid, rest)
            : await services.moderation.setBanned(request.params.mid, banned, rest),
        );
      },
    );

    app.post(
      '/users/:mid/sessions',
      {
        schema: {
          tags: ['users'],
          summary: 'Issue a web session (cookies) and an APP access_key for a user',
          security,
          params: MidParam,
          response: { 201: SessionIssued, ...errors },
        },
      },
      async (request, reply) => {
        const user = await services.users.get(request.params.mid);
        // A deleted account signs in nowhere (its sessions would not resolve).
        if (user.deleted) throw new BiliError(-626, `mid ${user.mid} is deleted`);
        const web = await services.sessions.issueWeb(user.mid);
        const app = await services.sessions.issueApp(user.mid);
        return reply.status(201).send({
          cookies: web.cookies,
          cookie_header: Object.entries(web.cookies)
            .map(([k, v]) => `${k}=${v}`)
            .join('; '),
          access_key: app.accessKey,
          expires_at: web.expiresAt,
        });
      },
    );

    app.post(
      '/archives',
      { schema: { tags: ['archives'], security, body: ArchiveBody, response: { 201: Archive, ...errors } } },
      async (request, reply) =>
        reply.status(201).send(archiveOut(await services.catalog.createArchive(request.body))),
    );

    app.get(
      '/archives/:aid',
      { schema: { tags: ['archives'], security, params: AidParam, response: { 200: Archive, ...errors } } },
      async (request) => archiveOut(await services.catalog.getArchive(request.params.aid)),
    );

    app.put(
      '/areas/:type/:oid',
      {
        schema: {
          tags: ['areas'],
          summary: 'Create or update a comment area: its owner and whether it is closed',
          security,
          params: AreaParams,
          body: AreaBody,
          response: { 200: Area, ...errors },
        },
      },
      async (request) =>
        areaOut(
          await services.moderation.putArea(
            request.params.type,
            request.params.oid,
            request.body.owner_mid,
            request.body.closed ?? false,
          ),
        ),
    );

    app.get(
      '/areas/:type/:oid',
      { schema: { tags: ['areas'], security, params: AreaParams, response: { 200: Area, ...errors } } },
      async (request) => areaOut(await services.catalog.getArea(request.params.type, request.params.oid)),
    );
    done();
  };
}
