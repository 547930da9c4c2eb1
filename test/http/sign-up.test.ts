import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InviteAdminApi } from '../../src/client/index.ts';
import { ProfileData, SignupModeData } from '../../src/wire/account-self.schema.ts';
import { dialects, startTestServer } from '../support/harness.ts';
import type { TestServer } from '../support/harness.ts';
import { expectWire } from '../support/wire.ts';

describe.each(dialects())('sign-up (%s)', (dialect) => {
  describe('closed (the default)', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
    });
    afterAll(async () => s.close());

    it('says so and refuses every sign-up with -403, storing nothing', async () => {
      const mode = await s.anonymous().accountSelf.signupMode();
      expect(mode).toMatchObject({ code: 0, data: { mode: 'closed' } });
      expectWire(SignupModeData, mode.data);
      const body = await s.anonymous().accountSelf.register('closeduser', 'long-enough-pw');
      expect(body.code).toBe(-403);
      expect(body.message).toContain('closed');
      expect(await s.store.users.findByUname('closeduser')).toBeUndefined();
    });
  });

  describe('open', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect, { signup: 'open' });
    });
    afterAll(async () => s.close());

    it('creates the account, signs the browser in and answers the profile', async () => {
      const client = s.anonymous();
      const body = await client.accountSelf.register('新用户_01', 'long-enough-pw');
      expect(body).toMatchObject({ code: 0, message: '0', ttl: 1 });
      expectWire(ProfileData, body.data);
      expect(body.data).toMatchObject({
        uname: '新用户_01',
        sign: '',
        face: `${s.config.publicUrl}/static/noface.png`,
      });
      expect(client.cookies['SESSDATA']).toBeTruthy();
      expect(client.cookies['bili_jct']).toBeTruthy();
      const nav = await client.nav();
      expect(nav.code).toBe(0);
      expect(nav.data).toMatchObject({ isLogin: true, mid: body.data!.mid, uname: '新用户_01' });
      // The password works for an ordinary sign-in afterwards.
      const again = await s.anonymous().passwordLogin('新用户_01', 'long-enough-pw');
      expect(again.code).toBe(0);
    });

    it('a taken name is -652 (also when it differs only by surrounding spaces)', async () => {
      await s.anonymous().accountSelf.register('taken_name', 'long-enough-pw');
      const body = await s.anonymous().accountSelf.register(' taken_name ', 'other-password');
      expect(body.code).toBe(-652);
      expect(body.message).toContain('taken');
    });

    it.each([
      ['a', 'name must be 2–16 characters'],
      ['x'.repeat(17), 'name must be 2–16 characters'],
      ['with space', 'only letters, digits'],
      ['<script>', 'only letters, digits'],
      ['emoji😀', 'only letters, digits'],
      ['账号已注销', 'reserved'],
    ])('name %j is refused with -400 (%s)', async (uname, problem) => {
      const body = await s.anonymous().accountSelf.register(uname, 'long-enough-pw');
      expect(body.code).toBe(-400);
      expect(body.message).toContain(problem);
      expect(await s.store.users.findByUname(uname)).toBeUndefined();
    });

    it.each([
      ['short', 'at least 8'],
      ['p'.repeat(129), 'at most 128'],
      ['Pwd_user1', 'differ from the name'],
    ])('password %j is refused with -628 (%s)', async (password, problem) => {
      const body = await s.anonymous().accountSelf.register('pwd_user1', password);
      expect(body.code).toBe(-628);
      expect(body.message).toContain(problem);
      expect(await s.store.users.findByUname('pwd_user1')).toBeUndefined();
    });

    it('missing parameters are -400', async () => {
      const body = await s
        .anonymous()
        .post<{ code: number }>('/x/replay/account/register', { uname: 'nopass' });
      expect(body.code).toBe(-400);
    });
  });

  describe('invite', () => {
    let s: TestServer;
    let invites: InviteAdminApi;
    beforeAll(async () => {
      s = await startTestServer(dialect, { signup: 'invite' });
      invites = new InviteAdminApi(s.admin);
    });
    afterAll(async () => s.close());

    it('needs a code: none or an unknown one is -403', async () => {
      expect((await s.anonymous().accountSelf.signupMode()).data).toEqual({ mode: 'invite' });
      const none = await s.anonymous().accountSelf.register('inv_none', 'long-enough-pw');
      expect(none.code).toBe(-403);
      expect(none.message).toContain('invite code is required');
      const unknown = await s.anonymous().accountSelf.register('inv_none', 'long-enough-pw', 'nosuchcode');
      expect(unknown.code).toBe(-403);
      expect(await s.store.users.findByUname('inv_none')).toBeUndefined();
    });

    it('a single-use code admits one person', async () => {
      const invite = await invites.create({ note: 'for Ann' });
      expect(invite).toMatchObject({ uses_left: 1, uses: 0, note: 'for Ann', expires_at: 0 });
      const first = await s.anonymous().accountSelf.register('inv_ann', 'long-enough-pw', invite.code);
      expect(first.code).toBe(0);
      const second = await s.anonymous().accountSelf.register('inv_bob', 'long-enough-pw', invite.code);
      expect(second.code).toBe(-403);
      expect(second.message).toContain('used up');
      const listed = (await invites.list()).items.find((i) => i.code === invite.code);
      expect(listed).toMatchObject({ uses_left: 0, uses: 1 });
    });

    it('a code with a use count admits that many; a failed sign-up does not spend a use', async () => {
      const invite = await invites.create({ uses: 2, code: 'team-code-2' });
      const taken = await s.anonymous().accountSelf.register('inv_ann', 'long-enough-pw', 'team-code-2');
      expect(taken.code).toBe(-652);
      expect((await s.anonymous().accountSelf.register('inv_c1', 'long-enough-pw', invite.code)).code).toBe(
        0,
      );
      expect((await s.anonymous().accountSelf.register('inv_c2', 'long-enough-pw', invite.code)).code).toBe(
        0,
      );
      expect((await s.anonymous().accountSelf.register('inv_c3', 'long-enough-pw', invite.code)).code).toBe(
        -403,
      );
    });

    it('an expired or withdrawn code no longer works', async () => {
      const now = Math.floor(s.clock.nowMs() / 1000);
      const expired = await invites.create({ expires_at: now - 1 });
      expect((await s.anonymous().accountSelf.register('inv_e', 'long-enough-pw', expired.code)).code).toBe(
        -403,
      );
      const withdrawn = await invites.create();
      expect(await invites.remove(withdrawn.code)).toEqual({ deleted: true });
      expect((await s.anonymous().accountSelf.register('inv_w', 'long-enough-pw', withdrawn.code)).code).toBe(
        -403,
      );
    });

    it('the admin API checks its input', async () => {
      await expect(invites.create({ uses: 0 })).rejects.toMatchObject({ status: 400 });
      await expect(invites.create({ code: 'bad code!' })).rejects.toMatchObject({ status: 400 });
      await invites.create({ code: 'dupe-code' });
      await expect(invites.create({ code: 'dupe-code' })).rejects.toMatchObject({ status: 409 });
      await expect(invites.remove('never-made')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('throttle', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect, { signup: 'open' });
    });
    afterAll(async () => s.close());

    it('an address gets 10 sign-up attempts an hour, then -509 until the window ends', async () => {
      for (let i = 0; i < 10; i++) {
        const body = await s.anonymous().accountSelf.register(`burst_${i}`, 'long-enough-pw');
        expect(body.code).toBe(0);
      }
      const refused = await s.anonymous().accountSelf.register('burst_10', 'long-enough-pw');
      expect(refused.code).toBe(-509);
      expect(await s.store.users.findByUname('burst_10')).toBeUndefined();
      // Malformed input is refused before the throttle, and stays a clear -400.
      expect((await s.anonymous().accountSelf.register('x', 'long-enough-pw')).code).toBe(-400);
    });
  });
});
