import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.ts';
import type { BiliClient } from '../../src/client/index.ts';
import { ADMIN_TOKEN, dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';

/**
 * Every write endpoint × every kind of caller → the exact code (DESIGN.md §4: identity → -101 → -102 →
 * -111 → parameters → business rules). Each cell acts on fresh targets: a comment by `author` in an area
 * owned by `owner`, and `author`'s watch history. Then, with the database in view: nobody can act on
 * another user's comment, vote, report or history.
 *
 * Decisions the table encodes (src/http/bili/history.routes.ts): the heartbeat and h5 accept anonymous
 * calls (an expired session or the admin token is anonymous there: 0, recording nothing); a Cookie caller
 * that sends a wrong csrf is still -111 and a banned one -102. Logout answers with its own envelope
 * (2202 for a wrong biliCSRF) and with the sign-in page when the cookie is not a live session
 * (CONTRACT.md §10.4). The cookie-only endpoints ignore an access_key: -101.
 */

const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, reportPerMinuteLimit: 0 };
const SIX_MONTHS = 181 * 24 * 3600;

type Caller = 'anonymous' | 'expired' | 'wrongCsrf' | 'banned' | 'other' | 'owner' | 'adminToken' | 'app';
const CALLERS: Caller[] = [
  'anonymous',
  'expired',
  'wrongCsrf',
  'banned',
  'other',
  'owner',
  'adminToken',
  'app',
];

/** A code, or 'page' for logout's sign-in page. */
type Outcome = number | 'page';

interface Target {
  oid: number;
  rpid: number;
}

interface Row {
  path: string;
  /** The valid parameters of one call, on targets made for it alone. */
  params: (t: Target) => Record<string, string | number>;
  expected: Record<Caller, Outcome>;
}

const AID = 770001;
const CID = 7700011;

/** -101 / -101 / -111 / -102 for the four callers that must not get in; then the table's own values. */
const gated = (other: Outcome, owner: Outcome, app: Outcome = other): Record<Caller, Outcome> => ({
  anonymous: -101,
  expired: -101,
  wrongCsrf: -111,
  banned: -102,
  other,
  owner,
  adminToken: -101,
  app,
});

const ROWS: Row[] = [
  {
    path: '/x/v2/reply/add',
    params: (t) => ({ type: 1, oid: t.oid, root: t.rpid, parent: t.rpid, message: 'a reply to it' }),
    expected: gated(0, 0),
  },
  {
    path: '/x/v2/reply/action',
    params: (t) => ({ type: 1, oid: t.oid, rpid: t.rpid, action: 1 }),
    expected: gated(0, 0),
  },
  {
    path: '/x/v2/reply/hate',
    params: (t) => ({ type: 1, oid: t.oid, rpid: t.rpid, action: 1 }),
    expected: gated(0, 0),
  },
  // Only the author, the area owner or an operator deletes; only the owner pins.
  {
    path: '/x/v2/reply/del',
    params: (t) => ({ type: 1, oid: t.oid, rpid: t.rpid }),
    expected: gated(-403, 0),
  },
  {
    path: '/x/v2/reply/top',
    params: (t) => ({ type: 1, oid: t.oid, rpid: t.rpid, action: 1 }),
    expected: gated(-403, 0),
  },
  {
    path: '/x/v2/reply/report',
    params: (t) => ({ type: 1, oid: t.oid, rpid: t.rpid, reason: 1 }),
    expected: gated(0, 0),
  },
  {
    path: '/x/v2/history/report',
    params: () => ({ aid: AID, cid: CID, progress: 30 }),
    expected: gated(0, 0),
  },
  {
    path: '/x/click-interface/web/heartbeat',
    params: () => ({ aid: AID, cid: CID, played_time: 40, play_type: 0 }),
    expected: {
      anonymous: 0,
      expired: 0,
      wrongCsrf: -111,
      banned: -102,
      other: 0,
      owner: 0,
      adminToken: 0,
      app: 0,
    },
  },
  {
    path: '/x/click-interface/click/web/h5',
    params: () => ({ aid: AID, cid: CID }),
    expected: {
      anonymous: 0,
      expired: 0,
      wrongCsrf: -111,
      banned: -102,
      other: 0,
      owner: 0,
      adminToken: 0,
      app: 0,
    },
  },
  { path: '/x/v2/history/delete', params: () => ({ kid: `archive_${AID}` }), expected: gated(0, 0, -101) },
  { path: '/x/v2/history/clear', params: () => ({}), expected: gated(0, 0, -101) },
  { path: '/x/v2/history/shadow/set', params: () => ({ switch: 'false' }), expected: gated(0, 0, -101) },
  // Watch-later is the caller's own list, Cookie only.
  { path: '/x/v2/history/toview/add', params: () => ({ aid: AID }), expected: gated(0, 0, -101) },
  { path: '/x/v2/history/toview/del', params: () => ({ aid: AID }), expected: gated(0, 0, -101) },
  {
    path: '/x/v2/history/toview/v2/dels',
    params: () => ({ resources: `${AID}` }),
    expected: gated(0, 0, -101),
  },
  { path: '/x/v2/history/toview/clear', params: () => ({ clean_type: 2 }), expected: gated(0, 0, -101) },
  // Emote settings are the caller's own panel: everyone who gets in may change it (APP mode included).
  ...['/x/emote/package/add', '/x/emote/package/remove'].map((path): Row => ({
    path,
    params: () => ({ package_id: 4, business: 'reply' }),
    expected: gated(0, 0),
  })),
  // The caller's own account (docs/api/accounts.md); only sign/update accepts APP callers. A wrong current
  // password keeps password change from acting (these callers have none). Account deletion is not a row:
  // it would delete the shared callers, which have no password to refuse it (test/http/profile.test.ts).
  { path: '/x/replay/account/profile', params: () => ({ sign: 'matrix' }), expected: gated(0, 0, -101) },
  { path: '/x/member/web/sign/update', params: () => ({ user_sign: 'matrix' }), expected: gated(0, 0) },
  // Notification e-mail settings (docs/api/message-center.md): the caller's own, Cookie or APP.
  { path: '/x/replay/notify/mail', params: () => ({ opt_out: 1 }), expected: gated(0, 0) },
  {
    path: '/x/replay/account/face',
    params: () => ({ face: Buffer.from('89504e470d0a1a0a6d6174726978', 'hex').toString('base64') }),
    expected: gated(0, 0, -101),
  },
  {
    path: '/x/replay/account/password',
    params: () => ({ old_password: 'not-the-password', new_password: 'matrix-pass-2' }),
    expected: gated(-629, -629, -101),
  },
  {
    path: '/login/exit/v2',
    params: () => ({ gourl: '/' }),
    expected: {
      anonymous: 'page',
      expired: 'page',
      wrongCsrf: 2202,
      // Signing out is always allowed, banned or not.
      banned: 0,
      other: 0,
      owner: 0,
      adminToken: 'page',
      app: 'page',
    },
  },
];

interface Person {
  mid: number;
  cookies: Record<string, string>;
  accessKey: string;
}

describe.each(dialects())('authorization matrix (%s)', (dialect) => {
  let s: TestServer;
  let author: Person & { client: BiliClient };
  let owner: Person;
  let nextOid = 500_000;

  /** A person with a session of their own (each cell signs in anew: logout ends a session). */
  async function session(mid: number): Promise<Person> {
    const issued = await s.admin.issueSession(mid);
    return { mid, cookies: { ...issued.cookies }, accessKey: issued.access_key };
  }

  async function freshTarget(): Promise<Target> {
    const oid = nextOid++;
    await s.admin.putArea(1, oid, { owner_mid: owner.mid });
    const added = await author.client.reply.add({ type: 1, oid, message: `target in ${oid}` });
    expect(added.code, added.message).toBe(0);
    return { oid, rpid: added.data!.rpid };
  }

  let otherMid: number;
  let bannedMid: number;
  let expiringMid: number;

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    const a = await s.signedIn('matrix-author');
    author = { mid: a.mid, cookies: a.client.cookies, accessKey: a.accessKey, client: a.client };
    owner = await session((await s.admin.createUser({ uname: 'matrix-owner' })).mid);
    otherMid = (await s.admin.createUser({ uname: 'matrix-other' })).mid;
    bannedMid = (await s.admin.createUser({ uname: 'matrix-banned' })).mid;
    expiringMid = (await s.admin.createUser({ uname: 'matrix-expiring' })).mid;
    await s.admin.createArchive({
      aid: AID,
      title: 'matrix video',
      owner_mid: owner.mid,
      pages: [{ cid: CID, part: 'one', duration: 600 }],
    });
  });
  afterAll(async () => s?.close());

  /** One call as `caller`; the answer reduced to its code. */
  async function call(
    caller: Caller,
    path: string,
    params: Record<string, string | number>,
  ): Promise<Outcome> {
    const csrfName = path === '/login/exit/v2' ? 'biliCSRF' : 'csrf';
    let client: BiliClient;
    const all: Record<string, string | number> = { ...params };
    const person = async (mid: number) => {
      const p = await session(mid);
      all[csrfName] = p.cookies['bili_jct']!;
      return createClient({ baseUrl: s.url, cookies: p.cookies });
    };
    switch (caller) {
      case 'anonymous':
        client = s.anonymous();
        break;
      case 'expired':
      case 'banned':
      case 'other':
        client = await person(
          caller === 'expired' ? expiringMid : caller === 'banned' ? bannedMid : otherMid,
        );
        break;
      case 'owner':
        client = await person(owner.mid);
        break;
      case 'wrongCsrf':
        client = await person(otherMid);
        all[csrfName] = 'f'.repeat(32);
        break;
      case 'adminToken':
        // The operator's token is no Bilibili credential, wherever it is put.
        client = createClient({
          baseUrl: s.url,
          cookies: { SESSDATA: ADMIN_TOKEN, bili_jct: ADMIN_TOKEN },
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        all[csrfName] = ADMIN_TOKEN;
        all['access_key'] = ADMIN_TOKEN;
        break;
      case 'app':
        client = createClient({ baseUrl: s.url, accessKey: (await session(otherMid)).accessKey });
        break;
    }
    const res = await client.raw<{ code: number } | string>('POST', path, all);
    if (typeof res.body === 'string') {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      return 'page';
    }
    return res.body.code;
  }

  it('every write endpoint × every caller → the exact code', async () => {
    await s.admin.updateUser(bannedMid, { banned: true });
    const actual: Record<string, Record<Caller, Outcome>> = {};
    const expected: Record<string, Record<Caller, Outcome>> = {};
    for (const row of ROWS) {
      expected[row.path] = row.expected;
      const answers = {} as Record<Caller, Outcome>;
      actual[row.path] = answers;
      for (const caller of CALLERS) {
        const target = await freshTarget();
        const params = row.params(target);
        if (caller === 'expired') {
          // The session is issued now and the clock moved past its 180 days only for this call.
          const client = createClient({ baseUrl: s.url, cookies: (await session(expiringMid)).cookies });
          s.clock.advance(SIX_MONTHS);
          try {
            const csrfName = row.path === '/login/exit/v2' ? 'biliCSRF' : 'csrf';
            const res = await client.raw<{ code: number } | string>('POST', row.path, {
              ...params,
              [csrfName]: client.cookies['bili_jct']!,
            });
            answers[caller] = typeof res.body === 'string' ? 'page' : res.body.code;
          } finally {
            s.clock.advance(-SIX_MONTHS);
          }
        } else {
          answers[caller] = await call(caller, row.path, params);
        }
      }
    }
    expect(actual).toEqual(expected);
  });

  describe("nobody acts on another user's data", () => {
    const db = () => s.handle.db;

    it("another user's comment: deleting it is -403 and it stays; the area owner may delete it", async () => {
      const t = await freshTarget();
      expect(await call('other', '/x/v2/reply/del', { type: 1, oid: t.oid, rpid: t.rpid })).toBe(-403);
      expect(await call('app', '/x/v2/reply/del', { type: 1, oid: t.oid, rpid: t.rpid })).toBe(-403);
      expect(await call('other', '/x/v2/reply/top', { type: 1, oid: t.oid, rpid: t.rpid, action: 1 })).toBe(
        -403,
      );
      const row = await db()
        .selectFrom('replies')
        .select(['state', 'message', 'mid'])
        .where('rpid', '=', t.rpid)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ state: 0, message: `target in ${t.oid}`, mid: author.mid });
      expect((await author.client.reply.info({ rpid: t.rpid })).code).toBe(0);
      expect(await call('owner', '/x/v2/reply/del', { type: 1, oid: t.oid, rpid: t.rpid })).toBe(0);
      expect((await author.client.reply.info({ rpid: t.rpid })).code).not.toBe(0);
    });

    it("another user's vote: cancelling or flipping your own leaves theirs and the count alone", async () => {
      const t = await freshTarget();
      expect((await author.client.reply.like({ type: 1, oid: t.oid, rpid: t.rpid, action: 1 })).code).toBe(0);
      const votesBefore = await db()
        .selectFrom('reply_votes')
        .selectAll()
        .where('rpid', '=', t.rpid)
        .execute();
      expect(votesBefore).toHaveLength(1);
      for (const [path, action] of [
        ['/x/v2/reply/action', 0],
        ['/x/v2/reply/hate', 0],
      ] as const) {
        expect(await call('other', path, { type: 1, oid: t.oid, rpid: t.rpid, action })).toBe(0);
        expect(await call('app', path, { type: 1, oid: t.oid, rpid: t.rpid, action })).toBe(0);
      }
      expect(await db().selectFrom('reply_votes').selectAll().where('rpid', '=', t.rpid).execute()).toEqual(
        votesBefore,
      );
      const like = await db()
        .selectFrom('replies')
        .select('like_count')
        .where('rpid', '=', t.rpid)
        .executeTakeFirstOrThrow();
      expect(like.like_count).toBe(1);
      // A dislike of their own is theirs alone: the author's like stays, the count too.
      expect(await call('other', '/x/v2/reply/hate', { type: 1, oid: t.oid, rpid: t.rpid, action: 1 })).toBe(
        0,
      );
      const votes = await db()
        .selectFrom('reply_votes')
        .select(['mid'])
        .where('rpid', '=', t.rpid)
        .orderBy('mid')
        .execute();
      expect(votes.map((v) => v.mid)).toEqual([author.mid, otherMid].sort((x, y) => x - y));
      expect(
        (
          await db()
            .selectFrom('replies')
            .select('like_count')
            .where('rpid', '=', t.rpid)
            .executeTakeFirstOrThrow()
        ).like_count,
      ).toBe(1);
    });

    it("another user's report: reporting too files a report of one's own, never touches theirs", async () => {
      const t = await freshTarget();
      const reporter = await session(otherMid);
      const reporterClient = createClient({ baseUrl: s.url, cookies: reporter.cookies });
      expect((await reporterClient.reply.report({ type: 1, oid: t.oid, rpid: t.rpid, reason: 2 })).code).toBe(
        0,
      );
      const theirs = await db().selectFrom('reply_reports').selectAll().where('rpid', '=', t.rpid).execute();
      expect(theirs).toHaveLength(1);
      // The same user again: 12008; the owner reporting: a second row, the first unchanged.
      expect(
        await call('other', '/x/v2/reply/report', { type: 1, oid: t.oid, rpid: t.rpid, reason: 1 }),
      ).toBe(12008);
      expect(
        await call('owner', '/x/v2/reply/report', { type: 1, oid: t.oid, rpid: t.rpid, reason: 1 }),
      ).toBe(0);
      const after = await db().selectFrom('reply_reports').selectAll().where('rpid', '=', t.rpid).execute();
      expect(after).toHaveLength(2);
      expect(after.find((r) => r.mid === otherMid)).toEqual(theirs[0]);
    });

    it("another user's history: delete, clear, pause and heartbeats only ever touch the caller's own rows", async () => {
      expect((await author.client.history.report({ aid: AID, cid: CID, progress: 123 })).code).toBe(0);
      const authorRows = () => db().selectFrom('history').selectAll().where('mid', '=', author.mid).execute();
      const authorPrefs = () =>
        db().selectFrom('history_prefs').selectAll().where('mid', '=', author.mid).execute();
      const rowsBefore = await authorRows();
      const prefsBefore = await authorPrefs();
      expect(rowsBefore).toHaveLength(1);
      expect(rowsBefore[0]!.progress).toBe(123);

      // Someone else's kid, a clear, a pause, and a heartbeat naming the author's mid.
      const other = await session(otherMid);
      const otherClient = createClient({ baseUrl: s.url, cookies: other.cookies });
      expect((await otherClient.history.delete(`archive_${AID}`)).code).toBe(0);
      expect((await otherClient.history.clear()).code).toBe(0);
      expect((await otherClient.history.setShadow(true)).code).toBe(0);
      expect((await otherClient.history.setShadow(false)).code).toBe(0);
      expect(
        (
          await otherClient.post<{ code: number }>('/x/click-interface/web/heartbeat', {
            aid: AID,
            cid: CID,
            mid: author.mid,
            w_mid: author.mid,
            played_time: 7,
          })
        ).code,
      ).toBe(0);
      expect((await otherClient.history.report({ aid: AID, cid: CID, progress: 9 })).code).toBe(0);

      expect(await authorRows()).toEqual(rowsBefore);
      expect(await authorPrefs()).toEqual(prefsBefore);
      // The heartbeat and the report landed in the caller's own history, not the author's.
      const otherRows = await db()
        .selectFrom('history')
        .select(['mid', 'progress'])
        .where('mid', '=', otherMid)
        .execute();
      expect(otherRows).toEqual([{ mid: otherMid, progress: 9 }]);
      // And reading shows each their own.
      const list = await otherClient.history.list();
      expect(list.data!.map((e) => e.progress)).toEqual([9]);
      const authorList = await author.client.history.list();
      expect(authorList.data!.map((e) => e.progress)).toEqual([123]);
    });
  });
});
