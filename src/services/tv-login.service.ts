import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomHex } from './crypto.ts';
import type { IssuedWebSession, SessionService } from './session.service.ts';

/** A TV auth code lives 180 s, like a web QR key (CONTRACT.md §22.3.1). */
export const TV_CODE_LIFETIME_SECONDS = 180;

const TvState = { Waiting: 0, Confirmed: 2, Consumed: 3 } as const;

export interface IssuedAppToken {
  accessKey: string;
  refreshToken: string;
  expiresIn: number;
}

export type TvPollResult =
  { code: 86039 | 86038 } | { code: 0; mid: number; app: IssuedAppToken; web: IssuedWebSession };

/**
 * TV QR login: the TV asks for a code, a person approves it on the page the code's URL opens, and the
 * TV's next poll receives an APP token (`access_key`) and a web session at once, as Bilibili hands out.
 */
export class TvLoginService {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {}

  async create(appkey: string): Promise<string> {
    const code = randomHex(16);
    const now = nowSeconds(this.clock);
    await this.store.tvLogins.insert(code, appkey, now);
    // Expired codes are useless; sweeping them here keeps the table small without a timer.
    await this.store.tvLogins.deleteOlderThan(now - 24 * 3600);
    return code;
  }

  /**
   * 86039 until approved (never 86090: a widely used client treats every other code as success and
   * fails on `data: null`), 86038 once expired, unknown or already used.
   */
  async poll(code: string): Promise<TvPollResult> {
    const row = await this.live(code);
    if (!row) return { code: 86038 };
    if (row.state === TvState.Waiting) return { code: 86039 };
    if (row.state !== TvState.Confirmed || row.mid === null) return { code: 86038 };
    // Confirmed by an account deleted since: nobody is signed in as it.
    const user = await this.store.users.findByMid(row.mid);
    if (!user || user.deleted) return { code: 86038 };
    // Only the poll that wins this transition gets the tokens; a racing second poll sees 86038.
    if (!(await this.store.tvLogins.transition(code, [TvState.Confirmed], TvState.Consumed)))
      return { code: 86038 };
    const app = await this.sessions.issueApp(row.mid);
    const web = await this.sessions.issueWeb(row.mid);
    return { code: 0, mid: row.mid, app, web };
  }

  /** Whether the approval page may be shown for `code` (live and not yet approved). */
  async awaitingApproval(code: string): Promise<boolean> {
    const row = await this.live(code);
    return row?.state === TvState.Waiting;
  }

  /** A signed-in person approved the code; the next poll logs the TV in as `mid`. */
  async confirm(code: string, mid: number): Promise<boolean> {
    if (!(await this.live(code))) return false;
    return this.store.tvLogins.transition(code, [TvState.Waiting], TvState.Confirmed, mid);
  }

  private async live(code: string) {
    if (!/^[0-9a-f]{32}$/.test(code)) return undefined;
    const row = await this.store.tvLogins.find(code);
    if (!row || row.created_at + TV_CODE_LIFETIME_SECONDS <= nowSeconds(this.clock)) return undefined;
    return row;
  }
}
