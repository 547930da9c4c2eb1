import Type from 'typebox';
import type { Static } from 'typebox';
import { MAX_GIVEN_AID, MAX_GIVEN_ID, MAX_TIME_MS } from '../../domain/ids.ts';

// The fixture file (docs/toolkit.md "Fixtures"; published as docs/fixture.schema.json by
// `npm run fixture-schema`). Only `typebox` and the dependency-free `domain/ids.ts` are imported: the
// schema is shared by the server, the docs and the client types. Every id is given, never assigned, so a
// test can hard-code it.

// Ids up to MAX_GIVEN_ID (domain/ids.ts): automatic ids created after the fixture continue above them.
const Id = Type.Integer({ minimum: 1, maximum: MAX_GIVEN_ID });
const Time = Type.Integer({ minimum: 0, maximum: 4_102_444_800, description: 'Unix seconds' });
const Token = Type.String({ minLength: 1, maxLength: 512, pattern: '^[^;\\s]+$' });

export const FixtureSession = Type.Object(
  {
    SESSDATA: Type.Optional({ ...Token, description: 'web sign-in cookie, used exactly as given' }),
    bili_jct: Type.Optional({
      ...Token,
      description: 'csrf token of the web session (random when absent)',
    }),
    access_key: Type.Optional({ ...Token, description: 'app sign-in token, used exactly as given' }),
    expires_at: Type.Optional({ ...Time, description: 'Unix seconds; 180 days from loading when absent' }),
  },
  { additionalProperties: false, description: 'fixed sign-in values; SESSDATA and/or access_key' },
);

export const FixtureUser = Type.Object(
  {
    mid: Id,
    uname: Type.String({ minLength: 1, maxLength: 32 }),
    password: Type.Optional(Type.String({ minLength: 6, maxLength: 256 })),
    sex: Type.Optional(Type.Union([Type.Literal('男'), Type.Literal('女'), Type.Literal('保密')])),
    sign: Type.Optional(Type.String({ maxLength: 500 })),
    face: Type.Optional(Type.String({ maxLength: 2048 })),
    level: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    vip_type: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
    vip_due_date: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_TIME_MS, description: 'Unix milliseconds' }),
    ),
    official_type: Type.Optional(Type.Integer({ minimum: -1, maximum: 1 })),
    official_desc: Type.Optional(Type.String({ maxLength: 200 })),
    banned: Type.Optional(Type.Boolean()),
    sessions: Type.Optional(Type.Array(FixtureSession, { maxItems: 100 })),
  },
  { additionalProperties: false },
);

export const FixturePage = Type.Object(
  {
    cid: Id,
    part: Type.String({ minLength: 1, maxLength: 80 }),
    duration: Type.Integer({ minimum: 1, maximum: 86_400 * 7, description: 'seconds' }),
  },
  { additionalProperties: false },
);

export const FixtureArchive = Type.Object(
  {
    aid: Type.Integer({ minimum: 1, maximum: MAX_GIVEN_AID }),
    owner_mid: Id,
    title: Type.String({ minLength: 1, maxLength: 80 }),
    desc: Type.Optional(Type.String({ maxLength: 2000 })),
    cover: Type.Optional(Type.String({ maxLength: 2048 })),
    tid: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    tname: Type.Optional(Type.String({ maxLength: 32 })),
    copyright: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
    pubdate: Type.Optional(Time),
    pages: Type.Array(FixturePage, { minItems: 1, maxItems: 1000 }),
  },
  { additionalProperties: false },
);

const CommentFields = {
  rpid: Id,
  mid: Id,
  message: Type.String({ minLength: 1, maxLength: 10_000 }),
  ctime: Type.Optional({ ...Time, description: 'Unix seconds; the loading time when absent' }),
  likes: Type.Optional(Type.Array(Id, { maxItems: 10_000, description: 'mids that liked it' })),
  hates: Type.Optional(Type.Array(Id, { maxItems: 10_000, description: 'mids that disliked it' })),
  deleted: Type.Optional(Type.Boolean({ description: 'kept as a deleted comment (state 1)' })),
};

export const FixtureReply = Type.Object(
  {
    ...CommentFields,
    parent: Type.Optional({
      ...Id,
      description: 'rpid of the comment in this thread it answers; the thread root when absent',
    }),
  },
  { additionalProperties: false },
);

export const FixtureThread = Type.Object(
  {
    oid: Type.Integer({ minimum: 1, maximum: MAX_GIVEN_AID, description: 'aid of a fixture archive' }),
    ...CommentFields,
    pinned: Type.Optional(Type.Boolean({ description: 'the area owner pinned it (one per archive)' })),
    replies: Type.Optional(Type.Array(FixtureReply, { maxItems: 10_000 })),
  },
  { additionalProperties: false, description: 'a level-1 comment and its replies' },
);

const EpisodeFields = {
  epid: Type.Integer({
    minimum: 1,
    maximum: MAX_GIVEN_ID,
    description: 'episode id; seasons and courses are separate namespaces',
  }),
  aid: Type.Integer({
    minimum: 1,
    maximum: MAX_GIVEN_AID,
    description: 'the fixture archive whose part carries it',
  }),
  cid: Type.Optional({ ...Id, description: 'the part; the archive’s first part when absent' }),
  long_title: Type.Optional(Type.String({ maxLength: 200, description: '"庆忌（下）"' })),
  pub_time: Type.Optional({ ...Time, description: 'Unix seconds; the loading time when absent' }),
};

export const FixtureEpisode = Type.Object(
  {
    ...EpisodeFields,
    title: Type.Optional(
      Type.String({ minLength: 1, maxLength: 80, description: 'short title, "8"; its position when absent' }),
    ),
  },
  { additionalProperties: false },
);

export const FixtureLesson = Type.Object(
  {
    ...EpisodeFields,
    title: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        description: 'the lesson title; its part’s title when absent',
      }),
    ),
  },
  { additionalProperties: false },
);

const SeasonFields = {
  season_id: Type.Integer({ minimum: 1, maximum: MAX_GIVEN_ID, description: 'ssid' }),
  title: Type.String({ minLength: 1, maxLength: 80 }),
  cover: Type.Optional(Type.String({ maxLength: 2048 })),
  desc: Type.Optional(Type.String({ maxLength: 2000 })),
  total: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 100_000, description: 'announced episode count; 0 = not announced' }),
  ),
  is_finish: Type.Optional(Type.Boolean({ description: 'complete (完结)' })),
};

export const FixtureSeason = Type.Object(
  {
    ...SeasonFields,
    media_id: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    sub_type: Type.Union(
      [1, 2, 3, 4, 5, 7].map((n) => Type.Literal(n)),
      { description: '1 番剧, 2 电影, 3 纪录片, 4 国创, 5 电视剧, 7 综艺' },
    ),
    episodes: Type.Array(FixtureEpisode, { maxItems: 10_000 }),
  },
  { additionalProperties: false, description: 'a season (pgc); its episodes are parts of fixture archives' },
);

export const FixtureCourse = Type.Object(
  {
    ...SeasonFields,
    lessons: Type.Array(FixtureLesson, { maxItems: 10_000 }),
  },
  {
    additionalProperties: false,
    description:
      'a course (cheese); each lesson is a part of a fixture archive and has a comment area (type 33)',
  },
);

export const FixtureHistory = Type.Object(
  {
    mid: Id,
    aid: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_GIVEN_AID, description: 'the archive; needed without epid' }),
    ),
    epid: Type.Optional({
      ...Id,
      description: 'a season episode (a course lesson with `course: true`): the entry is the season’s',
    }),
    course: Type.Optional(Type.Boolean({ description: '`epid` names a course lesson' })),
    cid: Type.Optional({ ...Id, description: 'the part; the first part (or the episode’s) when absent' }),
    progress: Type.Optional(
      Type.Integer({ minimum: -1, maximum: 2 ** 31 - 1, description: 'seconds; -1 = finished' }),
    ),
    view_at: Type.Optional(Time),
    dt: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const Fixture = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    users: Type.Optional(Type.Array(FixtureUser, { maxItems: 100_000 })),
    archives: Type.Optional(Type.Array(FixtureArchive, { maxItems: 100_000 })),
    threads: Type.Optional(Type.Array(FixtureThread, { maxItems: 100_000 })),
    seasons: Type.Optional(Type.Array(FixtureSeason, { maxItems: 100_000 })),
    courses: Type.Optional(Type.Array(FixtureCourse, { maxItems: 100_000 })),
    history: Type.Optional(Type.Array(FixtureHistory, { maxItems: 100_000 })),
  },
  {
    additionalProperties: false,
    title: 'Replay fixture',
    description:
      'Users (with fixed sign-in values), archives and parts, comment threads, seasons and courses (episodes on archive parts) and watch history, loaded by `replay serve --fixture FILE` or POST /admin/api/v1/toolkit/fixture. Reply notices and like cards are derived from the threads.',
  },
);

export type FixtureData = Static<typeof Fixture>;
export type FixtureThreadData = Static<typeof FixtureThread>;

/** The published JSON Schema (docs/fixture.schema.json, written by `npm run fixture-schema`). */
export function fixtureJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    ...(JSON.parse(JSON.stringify(Fixture)) as Record<string, unknown>),
  };
}
