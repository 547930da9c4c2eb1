import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  AVATAR_MAX_BYTES,
  DELETED_NAME,
  nameProblem,
  passwordProblem,
  signProblem,
  sniffImage,
} from '../domain/account-rules.ts';
import { BiliError } from '../errors.ts';
import type { InviteRow } from '../store/repositories/account.repository.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { hashPassword, randomAlnum, verifyPassword } from './crypto.ts';
import { USERS_VERSION_KEY } from './member-cache.ts';
import type { OutboxService } from './outbox.service.ts';
import { tryConsume } from './rate-limiter.factory.ts';
import type { UserService } from './user.service.ts';
import { MAX_TIME_SECONDS } from '../domain/ids.ts';

export type SignupMode = 'open' | 'invite' | 'closed';

export interface AccountOptions {
  signup: SignupMode;
  /** Absolute base of the avatar URLs written into `face`. */
  publicUrl: string;
  /** Sign-up attempts one address may make per window (every attempt that reaches the database counts). */
  signupsPerAddress?: number;
  signupWindowSeconds?: number;
}

export interface NewInvite {
  /** Sign-ups the code allows (default 1). */
  uses?: number;
  note?: string;
  /** Unix seconds; 0 or absent = never expires. */
  expires_at?: number;
  /** A chosen code; random when absent. */
  code?: string;
}

const INVITE_CODE = /^[A-Za-z0-9_-]{6,64}$/;

/**
 * Self-service accounts (docs/api/accounts.md): sign-up by mode, profile edits, avatar upload, password
 * change and deletion by the owner. Operator-side user management stays in UserService.
 */
export class AccountService {
  private readonly signupLimiter: RateLimiterAbstract;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly users: UserService,
    private readonly options: AccountOptions,
    /** The `account.deleted` webhook event is written with the deletion. */
    private readonly outbox: OutboxService,
    /** Called after a change that cached sessions and member rows must see at once. */
    private readonly onUserChanged: (mid: number) => void = () => undefined,
  ) {
    this.signupLimiter = store.rateLimits.limiter({
      keyPrefix: 'signup_addr',
      points: options.signupsPerAddress ?? 10,
      durationSeconds: options.signupWindowSeconds ?? 3600,
    });
  }

  get signupMode(): SignupMode {
    return this.options.signup;
  }

  /**
   * Creates an account with a name and password. Closed: -403. Invite mode: the code must be live (its use
   * is taken in the same transaction as the account, so a failed sign-up does not spend it). Bad name
   * -400, weak password -628, taken name -652, too many attempts from the address -509.
   */
  async signUp(
    input: { uname: string; password: string; invite?: string },
    address: string,
  ): Promise<UserRow> {
    const mode = this.options.signup;
    if (mode === 'closed') throw new BiliError(-403, 'sign-up is closed on this site');
    const uname = input.uname.trim();
    const nameError = nameProblem(uname);
    if (nameError) throw new BiliError(-400, nameError);
    const passwordError = passwordProblem(input.password, uname);
    if (passwordError) throw new BiliError(-628, passwordError);
    const invite = input.invite?.trim() ?? '';
    if (mode === 'invite' && invite === '') throw new BiliError(-403, 'an invite code is required');
    if (!(await tryConsume(this.signupLimiter, address))) {
      throw new BiliError(-509, 'too many sign-ups from this address; try again later');
    }
    const passwordHash = await hashPassword(input.password);
    const now = nowSeconds(this.clock);
    return this.store.transactionRetryingUnique(async (tx) => {
      if (await tx.users.findByUname(uname)) throw new BiliError(-652, 'this name is taken');
      if (mode === 'invite' && !(await tx.accounts.consumeInvite(invite, now))) {
        throw new BiliError(-403, 'the invite code is unknown, used up or expired');
      }
      return tx.users.insert({
        uname,
        password_hash: passwordHash,
        sex: '保密',
        sign: '',
        face: '',
        level: 0,
        vip_type: 0,
        vip_due_date: 0,
        official_type: -1,
        official_desc: '',
        banned: 0,
        created_at: now,
        updated_at: now,
      });
    });
  }

  /** Name and/or signature of the signed-in user. */
  async updateProfile(mid: number, patch: { uname?: string; sign?: string }): Promise<UserRow> {
    const user = await this.live(mid);
    // The name rules apply to a new name; one given by an operator before them may be kept as it is.
    const uname = patch.uname?.trim() === user.uname ? undefined : patch.uname?.trim();
    if (uname !== undefined) {
      const problem = nameProblem(uname);
      if (problem) throw new BiliError(-400, problem);
    }
    if (patch.sign !== undefined) {
      const problem = signProblem(patch.sign);
      if (problem) throw new BiliError(-400, problem);
    }
    return this.users.update(
      mid,
      {
        ...(uname === undefined ? {} : { uname }),
        ...(patch.sign === undefined ? {} : { sign: patch.sign }),
      },
      undefined,
      { live: true },
    );
  }

  /**
   * Stores an uploaded avatar (PNG, JPEG, WebP or GIF by its first bytes; at most 1 MiB) and points `face`
   * at its URL, which carries the content hash so a new picture gets a new URL.
   */
  async setAvatar(mid: number, bytes: Buffer): Promise<UserRow> {
    if (bytes.length === 0) throw new BiliError(-400, 'the image is empty');
    if (bytes.length > AVATAR_MAX_BYTES) throw new BiliError(-617, 'the image must be at most 1 MiB');
    const type = sniffImage(bytes);
    if (!type) throw new BiliError(-400, 'the image must be PNG, JPEG, WebP or GIF');
    await this.live(mid);
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    const now = nowSeconds(this.clock);
    const face = `${this.options.publicUrl}/x/replay/avatar/${mid}/${hash}`;
    const row = await this.store.transaction(async (tx) => {
      await tx.accounts.putAvatar({ mid, hash, content_type: type, data: bytes, updated_at: now });
      // Deleted since the check above: thrown inside, so the picture is rolled back with it.
      const updated = await tx.users.update(mid, { face, updated_at: now }, { live: true });
      if (!updated) throw new BiliError(-626);
      await tx.changeVersions.bump(USERS_VERSION_KEY);
      return updated;
    });
    this.onUserChanged(mid);
    return row;
  }

  /** The stored avatar when `hash` is its current one (an old URL is gone, like Bilibili's). */
  async avatar(mid: number, hash: string): Promise<{ contentType: string; data: Buffer } | null> {
    const row = await this.store.accounts.findAvatar(mid);
    if (!row || row.hash !== hash) return null;
    return { contentType: row.content_type, data: Buffer.from(row.data) };
  }

  /** The current password is required (-629 when wrong); the new one follows the sign-up rule (-628). */
  async changePassword(mid: number, current: string, next: string): Promise<void> {
    const user = await this.live(mid);
    if (!user.password_hash || !(await verifyPassword(current, user.password_hash))) {
      throw new BiliError(-629, 'the current password is wrong');
    }
    const problem = passwordProblem(next, user.uname);
    if (problem) throw new BiliError(-628, problem);
    await this.users.update(mid, { password: next }, undefined, { live: true });
  }

  /**
   * Deletes the account of its owner (password required when it has one; -629 when wrong). The user row
   * stays, renamed and marked deleted, so their comments keep their place in threads and show as
   * `账号已注销`; everything personal is erased (AccountRepository.erasePersonalData). Sessions end at once.
   */
  async deleteAccount(mid: number, password: string): Promise<void> {
    const user = await this.live(mid);
    if (user.password_hash && !(await verifyPassword(password, user.password_hash))) {
      throw new BiliError(-629, 'the password is wrong');
    }
    const now = nowSeconds(this.clock);
    await this.store.transaction(async (tx) => {
      // The row first: on PostgreSQL its lock makes a change racing the deletion (the per-user writes of
      // insertForLiveUser and the profile's live updates check the row in their write) wait for this
      // commit and then see `deleted`, or, when it got there first, commit before the erase below and be
      // erased with the rest. The name is unique, so the deleted row keeps a unique stand-in that frees the
      // old name.
      await tx.users.update(mid, {
        uname: `${DELETED_NAME}#${mid}`,
        password_hash: null,
        sign: '',
        face: '',
        deleted: 1,
        updated_at: now,
      });
      await tx.accounts.erasePersonalData(mid, now);
      await tx.changeVersions.bump(USERS_VERSION_KEY);
      // For receivers that keep their own copy of names and comments (docs/webhooks.md): committed with
      // the deletion, so it is never lost and never sent for a deletion that rolled back.
      if (this.outbox.wants('account.deleted')) {
        const event = this.outbox.event('account.deleted', { mid, deleted_at: now });
        await tx.outbox.insertEvents([this.outbox.row(event, now)]);
      }
    });
    this.onUserChanged(mid);
    // Heartbeats accepted just before the deletion may still wait in this node's group commit, or be in a
    // batch statement that started before the commit (on PostgreSQL it does not see the pause yet): they
    // are written now, and what they wrote of the account is erased again (erasePersonalData).
    await this.store.flush();
    await this.store.accounts.eraseWatchData(mid);
  }

  async createInvite(input: NewInvite): Promise<InviteRow> {
    const uses = input.uses ?? 1;
    if (!Number.isSafeInteger(uses) || uses < 1 || uses > 1_000_000) {
      throw new BiliError(-400, 'uses must be 1–1000000');
    }
    const code = input.code ?? randomAlnum(12);
    if (!INVITE_CODE.test(code)) throw new BiliError(-400, 'code must be 6–64 of A–Z a–z 0–9 _ -');
    const note = input.note ?? '';
    if ([...note].length > 200) throw new BiliError(-400, 'note must be at most 200 characters');
    // The CLI's --days and the admin API alike: a date past 9999 has no ISO form to list it by.
    const expires = input.expires_at ?? 0;
    if (!Number.isSafeInteger(expires) || expires < 0 || expires > MAX_TIME_SECONDS) {
      throw new BiliError(-400, 'expires_at must be a Unix second up to the end of 9999');
    }
    const existing = await this.store.accounts.findInvite(code);
    if (existing) throw new BiliError(-409, 'this code exists');
    return this.store.accounts.insertInvite({
      code,
      uses_left: uses,
      uses: 0,
      note,
      created_at: nowSeconds(this.clock),
      expires_at: input.expires_at ?? 0,
    });
  }

  listInvites(limit = 100): Promise<InviteRow[]> {
    return this.store.accounts.listInvites(limit);
  }

  async deleteInvite(code: string): Promise<void> {
    if (!(await this.store.accounts.deleteInvite(code))) throw new BiliError(-404, 'no such invite code');
  }

  private async live(mid: number): Promise<UserRow> {
    const user = await this.store.users.findByMid(mid);
    if (!user || user.deleted) throw new BiliError(-626);
    return user;
  }
}
