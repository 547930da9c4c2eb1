import Type from 'typebox';
import { ReplyState } from '../../domain/reply-state.ts';
import { REPORT_REASONS } from '../../domain/report-reasons.ts';
import type { AuditRow } from '../../store/repositories/admin-list.repository.ts';
import type {
  AreaListRow,
  ArchiveListRow,
  ReplyListRow,
  UserListRow,
} from '../../store/repositories/admin-list.repository.ts';
import type { Members, Page, ReportGroup } from '../../services/admin-list.service.ts';
import { REPORT_STATUS_NAMES } from '../../services/moderation.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 }));
const Cursor = Type.Optional(
  Type.String({ minLength: 1, maxLength: 512, description: 'The `next` of the previous page' }),
);
const Next = Type.Union([Type.String(), Type.Null()], {
  description: 'Cursor of the next page; null on the last',
});

/** A mid with its name and avatar (empty strings when no such user exists). */
const Member = Type.Object({ mid: Type.Integer(), uname: Type.String(), face: Type.String() });

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64, description: 'Name prefix (byte order, case-sensitive)' })),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export const ArchiveListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 80, description: 'Title substring (ASCII case-insensitive)' })),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export const AreaListQuery = Type.Object(
  { type: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), cursor: Cursor, limit: Limit },
  { additionalProperties: false },
);
export const ReplyListQuery = Type.Object(
  {
    type: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    oid: Type.Optional(Id),
    mid: Type.Optional(Id),
    state: Type.Optional(
      Type.Union([Type.Literal('visible'), Type.Literal('deleted'), Type.Literal('all')], { default: 'all' }),
    ),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export const ReportGroupQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('all')], { default: 'pending' })),
    cursor: Cursor,
    limit: Limit,
  },
  { additionalProperties: false },
);
export const AuditQuery = Type.Object({ cursor: Cursor, limit: Limit }, { additionalProperties: false });

const Ids = Type.Array(Id, { minItems: 1, maxItems: 100, description: 'rpids, at most 100' });
export const BulkReportBody = Type.Object(
  { rpids: Ids, action: Type.Union([Type.Literal('dismiss'), Type.Literal('delete')]) },
  { additionalProperties: false },
);
export const BulkReplyBody = Type.Object(
  { rpids: Ids, action: Type.Union([Type.Literal('delete'), Type.Literal('ban_author')]) },
  { additionalProperties: false },
);
export const BulkResult = Type.Object({
  results: Type.Array(
    Type.Object({
      rpid: Type.Integer(),
      ok: Type.Boolean(),
      code: Type.Integer({ description: '0, or the error code of this item' }),
      message: Type.String(),
    }),
  ),
});

export const UserList = Type.Object({
  items: Type.Array(
    Type.Object({
      mid: Type.Integer(),
      uname: Type.String(),
      face: Type.String(),
      sign: Type.String(),
      level: Type.Integer(),
      banned: Type.Boolean(),
      created_at: Type.Integer(),
    }),
  ),
  next: Next,
});

export const ArchiveList = Type.Object({
  items: Type.Array(
    Type.Object({
      aid: Type.Integer(),
      bvid: Type.String(),
      title: Type.String(),
      cover: Type.String(),
      owner: Member,
      pubdate: Type.Integer(),
    }),
  ),
  next: Next,
});

export const AreaList = Type.Object({
  items: Type.Array(
    Type.Object({
      type: Type.Integer(),
      oid: Type.Integer(),
      title: Type.String({ description: 'The archive title of a type-1 area; empty otherwise' }),
      owner: Member,
      closed: Type.Boolean(),
      created_at: Type.Integer(),
      root_count: Type.Integer(),
      all_count: Type.Integer(),
    }),
  ),
  next: Next,
});

const ListedReply = Type.Object({
  rpid: Type.Integer(),
  type: Type.Integer(),
  oid: Type.Integer(),
  author: Member,
  root: Type.Integer(),
  parent: Type.Integer(),
  message: Type.String(),
  like: Type.Integer(),
  ctime: Type.Integer(),
  deleted: Type.Boolean(),
});

export const ReplyList = Type.Object({ items: Type.Array(ListedReply), next: Next });

export const ReportGroupList = Type.Object({
  items: Type.Array(
    Type.Object({
      rpid: Type.Integer(),
      type: Type.Integer(),
      oid: Type.Integer(),
      count: Type.Integer({ description: 'reports of this comment' }),
      pending: Type.Integer({ description: 'of which still open' }),
      latest_at: Type.Integer(),
      resolved: Type.Boolean({ description: 'no open report, or the comment is already deleted' }),
      reply: Type.Union([ListedReply, Type.Null()]),
      reports: Type.Array(
        Type.Object({
          reporter: Member,
          reason: Type.Integer(),
          reason_text: Type.String({
            description: 'Chinese, as Bilibili names it; clients translate by `reason`',
          }),
          content: Type.String(),
          created_at: Type.Integer(),
          status: Type.Union([Type.Literal('pending'), Type.Literal('dismissed'), Type.Literal('deleted')]),
        }),
      ),
    }),
  ),
  next: Next,
});

export const AuditList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.Integer(),
      actor: Type.String(),
      action: Type.String(),
      target_type: Type.String(),
      target_id: Type.String(),
      detail: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  next: Next,
});

const member = (members: Members, mid: number): Type.Static<typeof Member> => {
  const m = members.get(mid);
  return { mid, uname: m?.uname ?? '', face: m?.face ?? '' };
};

export function userListOut(p: Page<UserListRow>): Type.Static<typeof UserList> {
  return {
    items: p.items.map((u) => ({
      mid: u.mid,
      uname: u.uname,
      face: u.face,
      sign: u.sign,
      level: u.level,
      banned: u.banned === 1,
      created_at: u.created_at,
    })),
    next: p.next,
  };
}

export function archiveListOut(p: Page<ArchiveListRow>, members: Members): Type.Static<typeof ArchiveList> {
  return {
    items: p.items.map((a) => ({
      aid: a.aid,
      bvid: a.bvid,
      title: a.title,
      cover: a.cover,
      owner: member(members, a.owner_mid),
      pubdate: a.pubdate,
    })),
    next: p.next,
  };
}

export function areaListOut(
  p: Page<AreaListRow> & { titles: Map<number, string> },
  members: Members,
): Type.Static<typeof AreaList> {
  return {
    items: p.items.map((a) => ({
      type: a.type,
      oid: a.oid,
      title: a.type === 1 ? (p.titles.get(a.oid) ?? '') : '',
      owner: member(members, a.owner_mid),
      closed: a.closed === 1,
      created_at: a.created_at,
      root_count: a.root_count,
      all_count: a.all_count,
    })),
    next: p.next,
  };
}

function listedReply(r: ReplyListRow, members: Members): Type.Static<typeof ListedReply> {
  return {
    rpid: r.rpid,
    type: r.type,
    oid: r.oid,
    author: member(members, r.mid),
    root: r.root,
    parent: r.parent,
    message: r.message,
    like: r.like_count,
    ctime: r.ctime,
    deleted: r.state !== ReplyState.Visible,
  };
}

export function replyListOut(p: Page<ReplyListRow>, members: Members): Type.Static<typeof ReplyList> {
  return { items: p.items.map((r) => listedReply(r, members)), next: p.next };
}

export function reportGroupListOut(
  p: Page<ReportGroup>,
  members: Members,
): Type.Static<typeof ReportGroupList> {
  return {
    items: p.items.map((g) => ({
      rpid: g.rpid,
      type: g.reply?.type ?? g.reports[0]?.type ?? 0,
      oid: g.reply?.oid ?? g.reports[0]?.oid ?? 0,
      count: g.reports.length,
      pending: g.reports.filter((r) => REPORT_STATUS_NAMES[r.status] === 'pending').length,
      latest_at: Math.max(0, ...g.reports.map((r) => r.created_at)),
      resolved: g.resolved,
      reply: g.reply ? listedReply(g.reply, members) : null,
      reports: g.reports.map((r) => ({
        reporter: member(members, r.mid),
        reason: r.reason,
        reason_text: REPORT_REASONS[r.reason] ?? '',
        content: r.content,
        created_at: r.created_at,
        status: REPORT_STATUS_NAMES[r.status] ?? 'pending',
      })),
    })),
    next: p.next,
  };
}

export function auditListOut(p: { items: AuditRow[]; next: string | null }): Type.Static<typeof AuditList> {
  return {
    items: p.items.map((a) => ({
      id: a.id,
      at: a.at,
      actor: a.actor,
      action: a.action,
      target_type: a.target_type,
      target_id: a.target_id,
      detail: parseDetail(a.detail),
    })),
    next: p.next,
  };
}

function parseDetail(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
