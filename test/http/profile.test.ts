import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BiliClient, NavData } from '../../src/client/index.ts';
import { ProfileData } from '../../src/wire/account-self.schema.ts';
import type { AdminApiError } from '../../src/client/admin-client.ts';
import { createClient } from '../../src/client/index.ts';
import { tokenHash } from '../../src/services/session.service.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('replay-test-png')]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.from('replay-test-jpeg')]);
const NO_LIMITS = { commentBurstLimit: 0, commentHourlyLimit: 0, signup: 'open' as const };

describe.each(dialects())('profile, password and account deletion (%s)', (dialect) => {
  let s: TestServer;
  let oid = 9100;
  const AID = 880001;
  const CID = 8800011;

  beforeAll(async () => {
    s = await startTestServer(dialect, NO_LIMITS);
    const up = await s.signedIn('profile_uploader');
    await s.admin.createArchive({
      aid: AID,
      title: 'profile video',
      owner_mid: up.mid,
      pages: [{ cid: CID, part: 'one', duration: 300 }],
    });
  });
  afterAll(async () => s.close());

  /** A fresh account made through sign-up, as a visitor would. */
  const member = async (uname: string, password = 'long-enough-pw') => {
    const client = s.anonymous();
    const body = await client.accountSelf.register(uname, password);
    expect(body.code, body.message).toBe(0);
    return { client, mid: body.data!.mid };
  };
  const newArea = async () => {
    const area = oid++;
    await s.admin.putArea(1, area, { owner_mid: (await s.store.users.findByUname('profile_uploader'))!.mid });
    return area;
  };
  const comment = async (client: BiliClient, area: number, message: string, root?: number) => {
    const body = await client.reply.add({
      type: 1,
      oid: area,
      message,
      ...(root ? { root, parent: root } : {}),
    });
    expect(body.code, body.message).toBe(0);
    return body.data!.rpid;
  };
  /** The test server's publicUrl has port 0; its links are fetched from the real address. */
  const local = (url: string) => url.replace(s.config.publicUrl, s.url);
  const memberOf = async (rpid: number) => (await s.anonymous().reply.info({ rpid })).data!.member!;
  /** How many rows of `table` have `value` in `column`: what is stored of an account, before and after. */
  const rowsWhere = async (table: string, column: string, value: number | string): Promise<number> => {
    const { rows } = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table)}
      WHERE ${sql.ref(column)} = ${value}`.execute(s.store.db);
    return Number(rows[0]!.n);
  };

  it('a new name shows in nav and as member.uname of their comments', async () => {
    const { client } = await member('before_name');
    const area = await newArea();
    const rpid = await comment(client, area, 'hello');
    expect((await memberOf(rpid)).uname).toBe('before_name');
    const body = await client.accountSelf.updateProfile({ uname: 'after_name', sign: 'my signature' });
    expect(body).toMatchObject({ code: 0, data: { uname: 'after_name', sign: 'my signature' } });
    expectWire(ProfileData, body.data);
    expect(((await client.nav()).data as NavData).uname).toBe('after_name');
    expect((await memberOf(rpid)).uname).toBe('after_name');
    expect((await client.account.myInfo()).data).toMatchObject({ name: 'after_name', sign: 'my signature' });
  });

  it('profile edits are checked: bad name -400, taken name -652, long signature -400, csrf -111, signed out -101', async () => {
    const { client } = await member('checker_1');
    await member('checker_2');
    expect((await client.accountSelf.updateProfile({ uname: 'a b' })).code).toBe(-400);
    const taken = await client.accountSelf.updateProfile({ uname: 'checker_2' });
    expect(taken.code).toBe(-652);
    const long = await client.accountSelf.updateProfile({ sign: 's'.repeat(71) });
    expect(long).toMatchObject({ code: -400 });
    expect(long.message).toContain('70');
    const noCsrf = await client.post<{ code: number }>('/x/replay/account/profile', {
      uname: 'x_y',
      csrf: 'wrong',
    });
    expect(noCsrf.code).toBe(-111);
    expect((await s.anonymous().accountSelf.updateProfile({ uname: 'x_y' })).code).toBe(-101);
    expect((await s.store.users.findByUname('checker_1'))!.sign).toBe('');
  });

  it('a name from before the rules may be kept: sending it unchanged is not a rename', async () => {
    const legacy = await s.signedIn('Legacy Name With Spaces');
    const body = await legacy.client.accountSelf.updateProfile({
      uname: 'Legacy Name With Spaces',
      sign: 'kept',
    });
    expect(body).toMatchObject({ code: 0, data: { uname: 'Legacy Name With Spaces', sign: 'kept' } });
    expect((await legacy.client.accountSelf.updateProfile({ uname: 'Another Spaced' })).code).toBe(-400);
  });

  it("Bilibili's sign/update sets the signature (Cookie and APP)", async () => {
    const { client } = await member('signer_1');
    expect(await client.accountSelf.updateSign('签名 one')).toEqual({ code: 0, message: '0', ttl: 1 });
    expect((await client.account.myInfo()).data).toMatchObject({ sign: '签名 one' });
    const app = await s.signedIn('signer_app');
    const viaApp = await s.anonymous().post('/x/member/web/sign/update', {
      user_sign: 'from app',
      access_key: app.accessKey,
    });
    expect(viaApp).toEqual({ code: 0, message: '0', ttl: 1 });
    expect((await s.store.users.findByMid(app.mid))!.sign).toBe('from app');
  });

  it('an uploaded avatar is served at the URL the face fields use; a new one replaces it', async () => {
    const { client, mid } = await member('avatar_1');
    const area = await newArea();
    const rpid = await comment(client, area, 'with a face');
    const body = await client.accountSelf.uploadFace(PNG.toString('base64'));
    expect(body.code, body.message).toBe(0);
    const face = body.data!.face;
    expect(face).toMatch(new RegExp(`^${s.config.publicUrl}/x/replay/avatar/${mid}/[0-9a-f]{16}$`));
    expect(((await client.nav()).data as NavData).face).toBe(face);
    expect((await memberOf(rpid)).avatar).toBe(face);
    const served = await fetch(local(face));
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);

    const next = await client.accountSelf.uploadFace(`data:image/jpeg;base64,${JPEG.toString('base64')}`);
    expect(next.code).toBe(0);
    expect(next.data!.face).not.toBe(face);
    expect((await fetch(local(face))).status).toBe(404);
    const jpeg = await fetch(local(next.data!.face));
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
  });

  it('avatars are checked by their bytes and size', async () => {
    const { client, mid } = await member('avatar_2');
    const svg = await client.accountSelf.uploadFace(
      Buffer.from('<svg onload="alert(1)"/>').toString('base64'),
    );
    expect(svg.code).toBe(-400);
    expect(svg.message).toContain('PNG, JPEG, WebP or GIF');
    const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
    const tooBig = await client.accountSelf.uploadFace(big.toString('base64'));
    expect(tooBig.code).toBe(-617);
    expect((await client.accountSelf.uploadFace('not base64!')).code).toBe(-400);
    expect((await client.accountSelf.uploadFace('')).code).toBe(-400);
    expect((await s.store.users.findByMid(mid))!.face).toBe('');
    expect((await fetch(`${s.url}/x/replay/avatar/${mid}/0123456789abcdef`)).status).toBe(404);
    expect((await fetch(`${s.url}/x/replay/avatar/${mid}/nothex`)).status).toBeLessThan(500);
  });

  it('password change needs the current password; the new one then signs in', async () => {
    const { client } = await member('pw_changer', 'first-password');
    const wrong = await client.accountSelf.changePassword('not-it', 'second-password');
    expect(wrong.code).toBe(-629);
    expect((await client.accountSelf.changePassword('first-password', 'short')).code).toBe(-628);
    expect(await client.accountSelf.changePassword('first-password', 'second-password')).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
    });
    expect((await s.anonymous().passwordLogin('pw_changer', 'first-password')).code).toBe(-629);
    expect((await s.anonymous().passwordLogin('pw_changer', 'second-password')).code).toBe(0);
  });

  it('deleting the account erases history and sessions; comments stay in their threads as 账号已注销', async () => {
    const gone = await member('leaving_user');
    const other = await member('staying_user');
    const area = await newArea();
    const root = await comment(gone.client, area, 'my root comment');
    const reply = await comment(other.client, area, 'a reply to it', root);
    const own = await comment(gone.client, area, 'my reply', root);
    expect((await gone.client.history.report({ aid: AID, cid: CID, progress: 30 })).code).toBe(0);
    await gone.client.accountSelf.uploadFace(PNG.toString('base64'));
    // What else is theirs: a mail address, the watch-later list, a play the analytics recorded.
    expect((await gone.client.notify.setMail({ email: 'leaving@example.com' })).code).toBe(0);
    expect((await gone.client.toview.add({ aid: AID })).code).toBe(0);
    const play = { aid: AID, cid: CID, video_duration: 300, start_ts: 1, session: 'leaving' };
    await gone.client.history.heartbeat({ ...play, play_type: 1, played_time: 0, real_played_time: 0 });
    await gone.client.history.heartbeat({ ...play, play_type: 0, played_time: 10, real_played_time: 10 });
    await s.store.flush();
    // A video they uploaded, which stays.
    const upload = await s.admin.createArchive({
      title: 'their upload',
      owner_mid: gone.mid,
      pages: [{ part: 'P1', duration: 60 }],
    });
    // The other user watched it: their history search finds it by its uploader's shown name only.
    expect(
      (await other.client.history.report({ aid: upload.aid, cid: upload.pages[0]!.cid, progress: 5 })).code,
    ).toBe(0);
    // Their reply to the other user's comment: a notice in the other user's inbox.
    const theirs = await comment(other.client, area, 'the other root');
    await comment(gone.client, area, 'my answer to them', theirs);
    expect(await rowsWhere('analytics_sessions', 'mid', gone.mid)).toBe(1);
    expect(await rowsWhere('play_counts', 'viewer', `m:${gone.mid}`)).toBe(1);
    const second = s.anonymous();
    expect((await second.passwordLogin('leaving_user', 'long-enough-pw')).code).toBe(0);

    const refused = await gone.client.accountSelf.deleteAccount('wrong password');
    expect(refused.code).toBe(-629);
    expect((await gone.client.nav()).code).toBe(0);

    expect(await gone.client.accountSelf.deleteAccount('long-enough-pw')).toEqual({
      code: 0,
      message: '0',
      ttl: 1,
    });
    expect(gone.client.cookies['SESSDATA']).toBeUndefined();
    // Every session ended, on every device.
    expect((await second.nav()).code).toBe(-101);
    expect((await s.anonymous().passwordLogin('leaving_user', 'long-enough-pw')).code).toBe(-629);

    const shown = await memberOf(root);
    expect(shown.uname).toBe('账号已注销');
    expect(shown.avatar).toBe(`${s.config.publicUrl}/static/noface.png`);
    expect((await memberOf(own)).uname).toBe('账号已注销');
    expect((await memberOf(reply)).uname).toBe('staying_user');
    const thread = await s.anonymous().reply.replies({ type: 1, oid: area, root });
    expect((thread.data?.replies ?? []).map((r) => r.rpid).sort()).toEqual([reply, own].sort());

    const history = await s.store.db.selectFrom('history').selectAll().where('mid', '=', gone.mid).execute();
    expect(history).toEqual([]);
    const sessions = await s.store.db
      .selectFrom('sessions')
      .selectAll()
      .where('mid', '=', gone.mid)
      .execute();
    expect(sessions).toEqual([]);
    expect(await s.store.accounts.findAvatar(gone.mid)).toBeUndefined();
    const left = (table: string) => rowsWhere(table, 'mid', gone.mid);
    expect({
      toview: await left('toview'),
      analytics_sessions: await left('analytics_sessions'),
      analytics_viewers: await left('analytics_viewers'),
      analytics_users: await left('analytics_users'),
      user_mail: await left('user_mail'),
    }).toEqual({ toview: 0, analytics_sessions: 0, analytics_viewers: 0, analytics_users: 0, user_mail: 0 });
    expect(await rowsWhere('play_counts', 'viewer', `m:${gone.mid}`)).toBe(0);
    // The notice they caused stays in the other user's inbox, under the one deleted-account name.
    const feed = await other.client.msgfeed.reply();
    const fromThem = feed.data!.items.find((i) => i.item.source_content === 'my answer to them');
    expect(fromThem?.user.nickname).toBe('账号已注销');
    expect((await s.anonymous().video.view({ aid: upload.aid })).data?.owner.name).toBe('账号已注销');
    // Nobody signs in as them again: the admin API refuses a session, and one written in a race with the
    // deletion (a QR or TV sign-in collected at that moment) does not resolve.
    const refusedSession = await s.admin.issueSession(gone.mid).catch((e: unknown) => e);
    expect((refusedSession as AdminApiError).status).toBe(404);
    const raced = 'raced-session-token-0123456789';
    await s.store.db
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(raced),
        kind: 'web',
        mid: gone.mid,
        csrf: 'raced-csrf',
        sid: 'raced',
        refresh_token_hash: '',
        created_at: Math.floor(s.clock.nowMs() / 1000),
        expires_at: Math.floor(s.clock.nowMs() / 1000) + 3600,
      })
      .execute();
    const found = async (keyword: string) =>
      ((await other.client.toview.searchHistory({ keyword })).data?.list ?? []).map((i) => i.kid);
    expect(await found(`#${gone.mid}`)).toEqual([]);
    expect(await found('账号已注销')).toEqual([upload.aid]);
    const racedClient = createClient({ baseUrl: s.url, cookies: { SESSDATA: raced } });
    expect((await racedClient.nav()).code).toBe(-101);
    // A heartbeat accepted just before the deletion and written after it (a group commit still gathering,
    // here or on another node) stores nothing of them: no history, watch session or analytics.
    const late = s.store.createWatchWrites({
      batching: { maxBatchSize: 8, maxWaitMs: 0 },
      playWindowSeconds: 60,
      anonymousCap: 0,
    });
    const at = Math.floor(s.clock.nowMs() / 1000);
    await late.enqueue({
      history: {
        mid: gone.mid,
        business: 'archive',
        kid: AID,
        oid: AID,
        epid: 0,
        cid: CID,
        page: 1,
        progress: 40,
        dt: 2,
        view_at: at,
      },
      session: {
        mid: gone.mid,
        session_key: 'late',
        aid: AID,
        cid: CID,
        start_ts: 1,
        played_time: 40,
        realtime: 40,
        real_played_time: 40,
        video_duration: 300,
        play_type: 0,
        at,
      },
    });
    expect({
      history: await left('history'),
      watch_sessions: await left('watch_sessions'),
      analytics_sessions: await left('analytics_sessions'),
      analytics_users: await left('analytics_users'),
    }).toEqual({ history: 0, watch_sessions: 0, analytics_sessions: 0, analytics_users: 0 });
    // Changes that passed their check just before the deletion are refused by their own write: the
    // history stays paused (a session another node still had cached), the row gets no name back.
    expect(await s.store.history.setPaused(gone.mid, false, at)).toBe(false);
    expect(await s.store.history.isPaused(gone.mid)).toBe(true);
    expect(await s.store.users.update(gone.mid, { sign: 'back again' }, { live: true })).toBeUndefined();
    expect((await s.store.users.findByMid(gone.mid))?.sign).toBe('');
    // So are a watch-later add, an emote panel change and a message-center read mark through such a
    // session: nothing of them is left.
    expect(await s.store.toview.upsert(gone.mid, AID, at)).toBe(false);
    expect(
      await s.store.emotes.setPanelPackage({
        mid: gone.mid,
        business: 'reply',
        package_id: 1,
        added: 1,
        updated_at: at,
      }),
    ).toBe(false);
    await s.store.notices.markViewed(gone.mid, 1, at);
    expect({
      toview: await rowsWhere('toview', 'mid', gone.mid),
      emotePanel: await rowsWhere('user_emote_packages', 'mid', gone.mid),
      readMarks: await rowsWhere('notice_views', 'mid', gone.mid),
    }).toEqual({ toview: 0, emotePanel: 0, readMarks: 0 });
    // A live account's writes go through the same statements.
    expect(await s.store.toview.upsert(other.mid, AID, at)).toBe(true);
    expect(await rowsWhere('toview', 'mid', other.mid)).toBe(1);
    // Replies to and likes of their comments notify nobody: their inbox went with them.
    await comment(other.client, area, 'a reply after they left', root);
    expect((await other.client.reply.like({ type: 1, oid: area, rpid: root, action: 1 })).code).toBe(0);
    expect({
      notices: await rowsWhere('notices', 'recipient_mid', gone.mid),
      likeCards: await rowsWhere('like_notices', 'recipient_mid', gone.mid),
    }).toEqual({ notices: 0, likeCards: 0 });
    // Others see the one deleted-account name, never the stored `#<mid>`: on the card, and in the prefix
    // of a reply to their reply.
    expect((await s.anonymous().account.card(gone.mid)).data?.card.name).toBe('账号已注销');
    const answer = await other.client.reply.add({ type: 1, oid: area, message: 'answer', root, parent: own });
    expect(answer.code, answer.message).toBe(0);
    expect(answer.data!.reply!.content.message).toBe('回复 @账号已注销 :answer');
    // The name is free again.
    expect((await s.anonymous().accountSelf.register('leaving_user', 'another-password')).code).toBe(0);
  });
});
