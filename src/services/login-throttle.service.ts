import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { BiliError } from '../errors.ts';
import type { DbHandle } from '../store/database.ts';
import { createRateLimiter, isExhausted } from './rate-limiter.factory.ts';

export interface LoginThrottleLimits {
  /** Failed sign-ins allowed per account name in the window. */
  perAccount: number;
  /** Failed sign-ins allowed per client address in the window (password spraying across names). */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = { perAccount: 10, perAddress: 50, windowSeconds: 15 * 60 };

/**
 * Brute-force protection of password sign-in: after too many failures for one name or from one address,
 * every attempt (even a correct one) answers -625 until the window ends. Success clears the name's count.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(handle: DbHandle, limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS) {
    this.byAccount = createRateLimiter(handle, {
      keyPrefix: 'login_fail_name',
      points: limits.perAccount,
      durationSeconds: limits.windowSeconds,
    });
    this.byAddress = createRateLimiter(handle, {
      keyPrefix: 'login_fail_addr',
      points: limits.perAddress,
      durationSeconds: limits.windowSeconds,
    });
  }

  /** Runs one sign-in attempt under the throttle. */
  async attempt<T>(uname: string, address: string, signIn: () => Promise<T>): Promise<T> {
    const name = uname.toLowerCase();
    if ((await isExhausted(this.byAccount, name)) || (await isExhausted(this.byAddress, address))) {
      throw new BiliError(-625);
    }
    try {
      const result = await signIn();
      await this.byAccount.delete(name);
      return result;
    } catch (error) {
      if (error instanceof BiliError && error.code === -629) {
        await Promise.all([
          this.byAccount.penalty(name, 1),
          this.byAddress.penalty(address, 1),
        ]);
      }
      throw error;
    }
  }
}
