import Type from 'typebox';
import type { ArchiveWithPages } from '../../services/catalog.service.ts';
import type { AreaRow } from '../../store/repositories/area.repository.ts';
import type { UserRow } from '../../store/repositories/user.repository.ts';
import { MAX_GIVEN_AID, MAX_GIVEN_ID, MAX_TIME_MS, MAX_TIME_SECONDS } from '../../domain/ids.ts';

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** An id given to a new row: automatic ids continue above it (domain/ids.ts). */
const GivenId = Type.Integer({ minimum: 1, maximum: MAX_GIVEN_ID });
const Sex = Type.Union([Type.Literal('男'), Type.Literal('女'), Type.Literal('保密')]);

export const UserBody = Type.Object(
  {
    uname: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.Optional(Type.String({ minLength: 6, maxLength: 256 })),
    mid: Type.Optional(GivenId),
    sex: Type.Optional(Sex),
    sign: Type.Optional(Type.String({ maxLength: 500 })),
    face: Type.Optional(Type.String({ maxLength: 2048 })),
    level: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    vip_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    vip_due_date: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'Unix milliseconds' }),
    ),
    official_type: Type.Optional(Type.Integer({ minimum: -1, maximum: 1 })),
    official_desc: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const UserPatchBody = Type.Object(
  {
    uname: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    password: Type.Optional(Type.String({ minLength: 6, maxLength: 256 })),
    banned: Type.Optional(Type.Boolean()),
    sex: Type.Optional(Sex),
    sign: Type.Optional(Type.String({ maxLength: 500 })),
    face: Type.Optional(Type.String({ maxLength: 2048 })),
    level: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    vip_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    vip_due_date: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_MS })),
    official_type: Type.Optional(Type.Integer({ minimum: -1, maximum: 1 })),
    official_desc: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const User = Type.Object({
  mid: Type.Integer(),
  uname: Type.String(),
  sex: Type.String(),
  sign: Type.String(),
  face: Type.String(),
  level: Type.Integer(),
  vip_type: Type.Integer(),
  vip_due_date: Type.Integer(),
  official_type: Type.Integer(),
  official_desc: Type.String(),
  banned: Type.Boolean(),
  has_password: Type.Boolean(),
  created_at: Type.Integer(),
});

export const MidParam = Type.Object({ mid: Id });

export const SessionIssued = Type.Object({
  cookies: Type.Object({
    SESSDATA: Type.String(),
    bili_jct: Type.String(),
    DedeUserID: Type.String(),
    DedeUserID__ckMd5: Type.String(),
    sid: Type.String(),
  }),
  cookie_header: Type.String({ description: 'The five cookies as one Cookie header value' }),
  access_key: Type.String(),
  expires_at: Type.Integer({ description: 'Unix seconds' }),
});

const PageIn = Type.Object(
  {
    cid: Type.Optional(GivenId),
    part: Type.String({ minLength: 1, maxLength: 200 }),
    duration: Type.Integer({ minimum: 1, maximum: 86400 * 7 }),
  },
  { additionalProperties: false },
);

export const ArchiveBody = Type.Object(
  {
    aid: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_GIVEN_AID })),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    owner_mid: Id,
    cover: Type.Optional(Type.String({ maxLength: 2048 })),
    desc: Type.Optional(Type.String({ maxLength: 2000 })),
    tid: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
    tname: Type.Optional(Type.String({ maxLength: 50 })),
    copyright: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    pubdate: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_TIME_SECONDS })),
    pages: Type.Array(PageIn, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

export const Archive = Type.Object({
  aid: Type.Integer(),
  bvid: Type.String(),
  title: Type.String(),
  cover: Type.String(),
  desc: Type.String(),
  owner_mid: Type.Integer(),
  tid: Type.Integer(),
  tname: Type.String(),
  copyright: Type.Integer(),
  pubdate: Type.Integer(),
  ctime: Type.Integer(),
  duration: Type.Integer(),
  pages: Type.Array(
    Type.Object({ cid: Type.Integer(), page: Type.Integer(), part: Type.String(), duration: Type.Integer() }),
  ),
});

export const AidParam = Type.Object({ aid: Type.Integer({ minimum: 1, maximum: 2 ** 51 - 1 }) });

export const AreaParams = Type.Object({ type: Type.Integer({ minimum: 0, maximum: 1000 }), oid: Id });
export const AreaBody = Type.Object(
  { owner_mid: Id, closed: Type.Optional(Type.Boolean({ default: false })) },
  { additionalProperties: false },
);
export const Area = Type.Object({
  type: Type.Integer(),
  oid: Type.Integer(),
  owner_mid: Type.Integer(),
  closed: Type.Boolean(),
  created_at: Type.Integer(),
});

export const AdminError = Type.Object({
  statusCode: Type.Integer(),
  code: Type.Integer(),
  message: Type.String(),
});

export function userOut(u: UserRow): Type.Static<typeof User> {
  return {
    mid: u.mid,
    uname: u.uname,
    sex: u.sex,
    sign: u.sign,
    face: u.face,
    level: u.level,
    vip_type: u.vip_type,
    vip_due_date: u.vip_due_date,
    official_type: u.official_type,
    official_desc: u.official_desc,
    banned: u.banned === 1,
    has_password: u.password_hash !== null,
    created_at: u.created_at,
  };
}

export function archiveOut({ archive: a, pages }: ArchiveWithPages): Type.Static<typeof Archive> {
  return {
    aid: a.aid,
    bvid: a.bvid,
    title: a.title,
    cover: a.cover,
    desc: a.description,
    owner_mid: a.owner_mid,
    tid: a.tid,
    tname: a.tname,
    copyright: a.copyright,
    pubdate: a.pubdate,
    ctime: a.ctime,
    duration: a.duration,
    pages: pages.map((p) => ({ cid: p.cid, page: p.page, part: p.part, duration: p.duration })),
  };
}

export function areaOut(a: AreaRow): Type.Static<typeof Area> {
  return {
    type: a.type,
    oid: a.oid,
    owner_mid: a.owner_mid,
    closed: a.closed === 1,
    created_at: a.created_at,
  };
}
