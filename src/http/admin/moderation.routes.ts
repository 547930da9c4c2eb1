import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { BiliError } from '../../errors.ts';
import type { Services } from '../../services/services.ts';
import { requireAdminToken } from './admin-auth.ts';
import { adminListRoutes } from './admin-lists.routes.ts';
import { AdminError } from './admin.schemas.ts';
import {
  ReportList,
  ReportQuery,
  ResolveBody,
  Resolved,
  RpidParam,
  reportListOut,
} from './moderation.schemas.ts';

const Deleted = Type.Null({ description: 'Deleted (no body)' });
const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };

/** The comment codes an operator can meet, as HTTP statuses of the admin API. */
async function asAdminError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof BiliError && error.code === 12022)
      throw new BiliError(-409, 'comment already deleted');
    if (error instanceof BiliError && error.code === 12006) throw new BiliError(-404, error.message);
    throw error;
  }
}

/**
 * Comment moderation under /admin/api/v1: the report queue and deleting any comment. Closing an area
 * (PUT /areas/:type/:oid) and banning a user (PATCH /users/:mid) live with areas and users.
 */
export function moderationRoutes(services: Services, adminToken: string) {
  return (scope: FastifyInstance, _options: unknown, done: () => void): void => {
    requireAdminToken(scope, adminToken);
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    const security = [{ adminToken: [] }];
    const moderation = services.moderation;

    app.get(
      '/reports',
      {
        schema: {
          tags: ['moderation'],
          summary: 'Comment reports, newest first (default: pending only)',
          security,
          querystring: ReportQuery,
          response: { 200: ReportList, ...errors },
        },
      },
      async (request) => {
        const q = request.query;
        return reportListOut(
          await moderation.listReports({
            status: q.status ?? 'pending',
            limit: q.limit ?? 50,
            ...(q.before === undefined ? {} : { before: q.before }),
          }),
        );
      },
    );

    app.post(
      '/reports/:rpid/resolve',
      {
        schema: {
          tags: ['moderation'],
          summary: 'Close every pending report of a comment: dismiss them, or delete the comment',
          security,
          params: RpidParam,
          body: ResolveBody,
          response: { 200: Resolved, ...errors },
        },
      },
      async (request) => {
        const { rpid } = request.params;
        const result = await asAdminError(moderation.resolveReports(rpid, request.body.action));
        return { rpid, action: request.body.action, ...result };
      },
    );

    app.delete(
      '/replies/:rpid',
      {
        schema: {
          tags: ['moderation'],
          summary: 'Delete any comment (a level-1 comment takes its whole thread along)',
          security,
          params: RpidParam,
          response: { 204: Deleted, ...errors },
        },
      },
      async (request, reply) => {
        await asAdminError(moderation.deleteReply(request.params.rpid));
        return reply.status(204).send(null);
      },
    );
    adminListRoutes(scope, services);
    done();
  };
}
