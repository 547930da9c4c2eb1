import { randomBytes } from 'node:crypto';
import { SEXES } from '../domain/account.ts';
import { shownUser } from '../domain/account-rules.ts';
import { BiliError } from '../errors.ts';
import type { UserRow } from '../store/repositories/user.repository.ts';
import type { Repositories, Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import type { LoginThrottle } from './login-throttle.service.ts';
import { nowSeconds } from './clock.ts';
import { hashPassword, verifyPassword } from './crypto.ts';
import { USERS_VERSION_KEY } from './member-cache.ts';
import { givenIdProblem } from '../domain/ids.ts';

export interface NewUserInput {
  uname: string;
  password?: string;
  mid?: number;
  sex?: string;
  sign?: string;
  face?: string;
  level?: number;
  vip_type?: number;
  vip_due_date?: number;
  official_type?: number;
  official_desc?: string;
}

export interface UserPatch {
  uname?: string;
  password?: string;
  banned?: boolean;
  sex?: string;
  sign?: string;
  face?: string;
  level?: number;
  vip_type?: number;
  vip_due_date?: number;
  official_type?: number;
  official_desc?: string;
}

/** A year of membership from now, used when an operator grants vip without a due date. */
const DEFAULT_VIP_SECONDS = 365 * 24 * 3600;

export class UserService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly throttle: LoginThrottle,
    /** Called after a change that cached sessions must see at once (ban, rename). */
    private readonly onUserChanged: (mid: number) => void = () => undefined,
  ) {}

  async create(input: NewUserInput): Promise<UserRow> {
    validateProfile(input);
    // The CLI and the admin API alike (the API's schema says the same first).
    const idProblem = givenIdProblem('mid', input.mid);
    if (idProblem) throw new BiliError(-400, idProblem);
    const now = nowSeconds(this.clock);
    const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
    const vipType = input.vip_type ?? 0;
    const created = await this.store.transactionUnlessDuplicate(async (tx) => {
      if (await tx.users.findByUname(input.uname)) throw new BiliError(-652, `uname ${input.uname}`);
      if (input.mid !== undefined && (await tx.users.findByMid(input.mid))) {
        throw new BiliError(-652, `mid ${input.mid}`);
      }
      return tx.users.insert({
        ...(input.mid === undefined ? {} : { mid: input.mid }),
        uname: input.uname,
        password_hash: passwordHash,
        sex: input.sex ?? '保密',
        sign: input.sign ?? '',
        face: input.face ?? '',
        level: input.level ?? 0,
        vip_type: vipType,
        vip_due_date: input.vip_due_date ?? (vipType > 0 ? (now + DEFAULT_VIP_SECONDS) * 1000 : 0),
        official_type: input.official_type ?? -1,
        official_desc: input.official_desc ?? '',
        banned: 0,
        created_at: now,
        updated_at: now,
      });
    });
    if (created === 'duplicate') throw new BiliError(-652, input.uname);
    return created;
  }

  async get(mid: number): Promise<UserRow> {
    const user = await this.store.users.findByMid(mid);
    if (!user) throw new BiliError(-626, `mid ${mid}`);
    return user;
  }

  /** A user as others see them (space card, hover card); an unknown mid is -404 as Bilibili answers. */
  async publicProfile(mid: number): Promise<{ user: UserRow; archiveCount: number }> {
    const user = await this.store.users.findByMid(mid);
    if (!user) throw new BiliError(-404, `mid ${mid}`);
    return { user: shownUser(user), archiveCount: await this.store.archives.countByOwner(mid) };
  }

  async update(
    mid: number,
    patch: UserPatch,
    /** Runs in the update's transaction once the row changed (the operator's audit row). */
    alongside?: (tx: Repositories, row: UserRow) => Promise<void>,
    /** The user's own change: refused (-626) by the write itself once the account is deleted. */
    options: { live?: boolean } = {},
  ): Promise<UserRow> {
    validateProfile(patch);
    const { password, banned, ...profile } = patch;
    const passwordHash = password === undefined ? undefined : await hashPassword(password);
    // A uname taken by another user between the check and the write: the unique index refuses it.
    const updated = await this.store.transactionUnlessDuplicate(async (tx) => {
      if (patch.uname !== undefined) {
        const other = await tx.users.findByUname(patch.uname);
        if (other && other.mid !== mid) throw new BiliError(-652, `uname ${patch.uname}`);
      }
      const row = await tx.users.update(
        mid,
        {
          ...profile,
          ...(passwordHash === undefined ? {} : { password_hash: passwordHash }),
          ...(banned === undefined ? {} : { banned: banned ? 1 : 0 }),
          updated_at: nowSeconds(this.clock),
        },
        options,
      );
      // Other nodes' member caches (MemberCache) empty themselves when this version moves.
      if (row) await tx.changeVersions.bump(USERS_VERSION_KEY);
      if (row && alongside) await alongside(tx, row);
      return row;
    }, 1);
    if (updated === 'duplicate') throw new BiliError(-652, patch.uname);
    if (!updated) throw new BiliError(-626, `mid ${mid}`);
    this.onUserChanged(mid);
    return updated;
  }

  /**
   * Name + password sign-in from a client address: one answer (-629) for an unknown name and a wrong
   * password alike, -625 after too many failures, -102 for a banned account.
   */
  async signIn(uname: string, password: string, address: string): Promise<UserRow> {
    const user = await this.throttle.attempt(uname, address, async () => {
      const found = await this.store.users.findByUname(uname);
      // An unknown name (or one without a password) costs the same scrypt as a wrong password, so the
      // answer time does not tell which names exist.
      const stored = found?.password_hash ?? (await unknownUserHash());
      const matches = await verifyPassword(password, stored);
      if (!found?.password_hash || !matches) throw new BiliError(-629);
      return found;
    });
    if (user.banned) throw new BiliError(-102);
    return user;
  }
}

function validateProfile(p: { uname?: string; password?: string; sex?: string; level?: number }): void {
  if (
    p.uname !== undefined &&
    (p.uname.trim() !== p.uname || p.uname.length < 1 || [...p.uname].length > 32)
  ) {
    throw new BiliError(-400, 'uname must be 1–32 characters without surrounding spaces');
  }
  if (p.password !== undefined && p.password.length < 6) throw new BiliError(-628, 'at least 6 characters');
  if (p.sex !== undefined && !(SEXES as readonly string[]).includes(p.sex)) {
    throw new BiliError(-400, `sex must be one of ${SEXES.join(', ')}`);
  }
  if (p.level !== undefined && (p.level < 0 || p.level > 6)) throw new BiliError(-400, 'level must be 0–6');
}

let unknownHash: Promise<string> | undefined;

/** A scrypt hash of a random password nobody knows, made once, to verify against for unknown names. */
function unknownUserHash(): Promise<string> {
  unknownHash ??= hashPassword(randomBytes(16).toString('hex'));
  return unknownHash;
}
