import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services/services.ts';
import { AdminError } from './admin.schemas.ts';
import {
  ArchiveList,
  ArchiveListQuery,
  AreaList,
  AreaListQuery,
  AuditList,
  AuditQuery,
  BulkReplyBody,
  BulkReportBody,
  BulkResult,
  ReplyList,
  ReplyListQuery,
  ReportGroupList,
  ReportGroupQuery,
  UserList,
  UserListQuery,
  archiveListOut,
  areaListOut,
  auditListOut,
  replyListOut,
  reportGroupListOut,
  userListOut,
} from './admin-lists.schemas.ts';

const errors = { 400: AdminError, 401: AdminError, 404: AdminError, 409: AdminError };

/**
 * The moderation console's lists and bulk actions, registered inside the moderation scope (so behind the
 * same admin token). Every list is cursor-paged newest first; see docs/api/admin.md.
 */
export function adminListRoutes(scope: FastifyInstance, services: Services): void {
  const app = scope.withTypeProvider<TypeBoxTypeProvider>();
  const security = [{ adminToken: [] }];
  const moderation = services.moderation;
  const lists = moderation.lists;
  const cursor = (c: string | undefined) => (c === undefined ? {} : { cursor: c });

  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users, newest first; `q` finds names starting with it (then in name order)',
        security,
        querystring: UserListQuery,
        response: { 200: UserList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return userListOut(
        await lists.users({
          ...(q.q === undefined ? {} : { q: q.q }),
          ...cursor(q.cursor),
          limit: q.limit ?? 50,
        }),
      );
    },
  );

  app.get(
    '/archives',
    {
      schema: {
        tags: ['archives'],
        summary: 'Archives, newest first; `q` finds titles containing it',
        security,
        querystring: ArchiveListQuery,
        response: { 200: ArchiveList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await lists.archives({
        ...(q.q === undefined ? {} : { q: q.q }),
        ...cursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return archiveListOut(page, await lists.members(page.items.map((a) => a.owner_mid)));
    },
  );

  app.get(
    '/areas',
    {
      schema: {
        tags: ['areas'],
        summary: 'Comment areas by (type, oid), highest first',
        security,
        querystring: AreaListQuery,
        response: { 200: AreaList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await lists.areas({
        ...(q.type === undefined ? {} : { type: q.type }),
        ...cursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return areaListOut(page, await lists.members(page.items.map((a) => a.owner_mid)));
    },
  );

  app.get(
    '/replies',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Comments newest first, by area (type and oid), author (mid) and state',
        security,
        querystring: ReplyListQuery,
        response: { 200: ReplyList, ...errors },
      },
    },
    async (request) => {
      const { cursor: c, limit, ...filters } = request.query;
      const page = await lists.replies({ ...filters, ...cursor(c), limit: limit ?? 50 });
      return replyListOut(page, await lists.members(page.items.map((r) => r.mid)));
    },
  );

  app.get(
    '/report-groups',
    {
      schema: {
        tags: ['moderation'],
        summary: 'The report queue, one item per reported comment with all its reports',
        security,
        querystring: ReportGroupQuery,
        response: { 200: ReportGroupList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await lists.reportGroups({
        status: q.status ?? 'pending',
        ...cursor(q.cursor),
        limit: q.limit ?? 50,
      });
      const mids = page.items.flatMap((g) => [
        ...g.reports.map((r) => r.mid),
        ...(g.reply ? [g.reply.mid] : []),
      ]);
      return reportGroupListOut(page, await lists.members(mids));
    },
  );

  app.get(
    '/audit-log',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Moderator actions, newest first',
        security,
        querystring: AuditQuery,
        response: { 200: AuditList, ...errors },
      },
    },
    async (request) =>
      auditListOut(
        await moderation.listAudit({ ...cursor(request.query.cursor), limit: request.query.limit ?? 50 }),
      ),
  );

  app.post(
    '/reports/bulk',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Resolve the reports of several comments (dismiss, or delete the comments)',
        security,
        body: BulkReportBody,
        response: { 200: BulkResult, ...errors },
      },
    },
    async (request) => {
      const { rpids, action } = request.body;
      const results = await moderation.bulk(rpids, (rpid) => moderation.resolveReports(rpid, action));
      return { results: results.map(({ id, ...r }) => ({ rpid: id, ...r })) };
    },
  );

  app.post(
    '/replies/bulk',
    {
      schema: {
        tags: ['moderation'],
        summary: 'Delete several comments, or ban their authors',
        security,
        body: BulkReplyBody,
        response: { 200: BulkResult, ...errors },
      },
    },
    async (request) => {
      const { rpids, action } = request.body;
      const results =
        action === 'delete'
          ? await moderation.bulk(rpids, (rpid) => moderation.deleteReply(rpid))
          : await moderation.banAuthors(rpids);
      return { results: results.map(({ id, ...r }) => ({ rpid: id, ...r })) };
    },
  );
}
