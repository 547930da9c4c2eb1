import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { nowSeconds } from './clock.ts';
import { randomAlnum } from './crypto.ts';
import type { IssuedWebSession, SessionService } from './session.service.ts';

/** A QR key lives 180 s (CONTRACT.md §10.3). */
export const QR_LIFETIME_SECONDS = 180;

const QrState = { Waiting: 0, Scanned: 1, Confirmed: 2, Consumed: 3 } as const;

export type QrPollResult =
  { code: 86101 | 86090 | 86038 } | { code: 0; mid: number; session: IssuedWebSession; timestampMs: number };

export class QrLoginService {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {}

  async generate(): Promise<string> {
    const key = randomAlnum(32);
    const now = nowSeconds(this.clock);
    await this.store.qrLogins.insert(key, now);
    // Expired keys are useless; sweeping them here keeps the table small without a timer.
    await this.store.qrLogins.deleteOlderThan(now - 24 * 3600);
    return key;
  }

  async poll(key: string): Promise<QrPollResult> {
    const row = await this.live(key);
    if (!row) return { code: 86038 };
    if (row.state === QrState.Waiting) return { code: 86101 };
    if (row.state === QrState.Scanned) return { code: 86090 };
    if (row.state !== QrState.Confirmed || row.mid === null) return { code: 86038 };
    // Confirmed by an account deleted since: nobody is signed in as it.
    const user = await this.store.users.findByMid(row.mid);
    if (!user || user.deleted) return { code: 86038 };
    // Only the poll that wins this transition gets the session; a racing second poll sees 86038.
    if (!(await this.store.qrLogins.transition(key, [QrState.Confirmed], QrState.Consumed)))
      return { code: 86038 };
    const session = await this.sessions.issueWeb(row.mid);
    return { code: 0, mid: row.mid, session, timestampMs: this.clock.nowMs() };
  }

  /** The login page was opened from the QR code: the poll now answers 86090. False if the key is dead. */
  async markScanned(key: string): Promise<boolean> {
    const row = await this.live(key);
    if (!row || row.state > QrState.Scanned) return false;
    if (row.state === QrState.Waiting)
      await this.store.qrLogins.transition(key, [QrState.Waiting], QrState.Scanned);
    return true;
  }

  /** A signed-in person approved the key; the next poll logs the polling client in as `mid`. */
  async confirm(key: string, mid: number): Promise<boolean> {
    const row = await this.live(key);
    if (!row) return false;
    return this.store.qrLogins.transition(key, [QrState.Waiting, QrState.Scanned], QrState.Confirmed, mid);
  }

  private async live(key: string) {
    if (!/^[A-Za-z0-9]{32}$/.test(key)) return undefined;
    const row = await this.store.qrLogins.find(key);
    if (!row || row.created_at + QR_LIFETIME_SECONDS <= nowSeconds(this.clock)) return undefined;
    return row;
  }
}
