import Type from 'typebox';
import { ReplyState } from '../../domain/reply-state.ts';
import { REPORT_REASONS } from '../../domain/report-reasons.ts';
import type { ReportPage } from '../../services/moderation.service.ts';
import { REPORT_STATUS_NAMES } from '../../services/moderation.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const RpidParam = Type.Object({ rpid: Id });

export const ReportQuery = Type.Object({
  status: Type.Optional(
    Type.Union(
      [Type.Literal('pending'), Type.Literal('dismissed'), Type.Literal('deleted'), Type.Literal('all')],
      {
        default: 'pending',
      },
    ),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  before: Type.Optional(Type.String({ maxLength: 64, description: 'The `next` of the previous page' })),
});

export const ResolveBody = Type.Object(
  {
    action: Type.Union([Type.Literal('dismiss'), Type.Literal('delete')], {
      description: 'dismiss: keep the comment; delete: delete it (a root takes its thread along)',
    }),
  },
  { additionalProperties: false },
);

const ReportedReply = Type.Object({
  rpid: Type.Integer(),
  type: Type.Integer(),
  oid: Type.Integer(),
  mid: Type.Integer({ description: 'author' }),
  root: Type.Integer(),
  message: Type.String(),
  ctime: Type.Integer(),
  deleted: Type.Boolean(),
});

export const ReportItem = Type.Object({
  rpid: Type.Integer(),
  type: Type.Integer(),
  oid: Type.Integer(),
  reporter_mid: Type.Integer(),
  reason: Type.Integer(),
  reason_text: Type.String(),
  content: Type.String(),
  created_at: Type.Integer(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('dismissed'), Type.Literal('deleted')]),
  resolved_at: Type.Union([Type.Integer(), Type.Null()]),
  reply: Type.Union([ReportedReply, Type.Null()]),
});

export const ReportList = Type.Object({
  items: Type.Array(ReportItem),
  next: Type.Union([Type.String(), Type.Null()]),
});

export const Resolved = Type.Object({
  rpid: Type.Integer(),
  action: Type.String(),
  resolved: Type.Integer({ description: 'pending reports closed' }),
  deleted: Type.Boolean({ description: 'the comment was deleted by this call' }),
});

export function reportListOut(page: ReportPage): Type.Static<typeof ReportList> {
  return {
    items: page.reports.map(({ report: r, reply }) => ({
      rpid: r.rpid,
      type: r.type,
      oid: r.oid,
      reporter_mid: r.mid,
      reason: r.reason,
      reason_text: REPORT_REASONS[r.reason] ?? '',
      content: r.content,
      created_at: r.created_at,
      status: REPORT_STATUS_NAMES[r.status] ?? 'pending',
      resolved_at: r.resolved_at,
      reply: reply
        ? {
            rpid: reply.rpid,
            type: reply.type,
            oid: reply.oid,
            mid: reply.mid,
            root: reply.root,
            message: reply.message,
            ctime: reply.ctime,
            deleted: reply.state !== ReplyState.Visible,
          }
        : null,
    })),
    next: page.next,
  };
}
