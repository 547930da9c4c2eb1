import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { BiliError } from '../errors.ts';
import type { RateLimitStorage } from '../store/rate-limits.ts';
import { tryConsume } from './rate-limiter.factory.ts';

export interface LoginThrottleLimits {
  /** Failed sign-ins allowed per account name in the window. */
  perAccount: number;
  /** Failed sign-ins allowed per client address in the window (password spraying across names). */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginThrottleLimits = {
  perAccount: 10,
  perAddress: 50,
  windowSeconds: 15 * 60,
};

/**
 * Brute-force protection of password sign-in: after too many failures for one name or from one address,
 * every attempt (even a correct one) answers -625 until the window ends. Success clears the name's count.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(storage: RateLimitStorage, limits: LoginThrottleLimits = DEFAULT_LOGIN_LIMITS) {
    this.byAccount = storage.limiter({
      keyPrefix: 'login_fail_name',
      points: limits.perAccount,
      durationSeconds: limits.windowSeconds,
    });
    this.byAddress = storage.limiter({
      keyPrefix: 'login_fail_addr',
      points: limits.perAddress,
      durationSeconds: limits.windowSeconds,
    });
  }

  /** Runs one sign-in attempt under the throttle. */
  async attempt<T>(uname: string, address: string, signIn: () => Promise<T>): Promise<T> {
    const name = uname.toLowerCase();
    // Every attempt takes its point atomically BEFORE the password is checked. Checking for exhaustion and
    // counting the failure afterwards let a burst of parallel attempts all be checked before any counted.
    const [nameOk, addressOk] = await Promise.all([
      tryConsume(this.byAccount, name),
      tryConsume(this.byAddress, address),
    ]);
    // Only failed sign-ins count: a refused, successful or otherwise failed attempt gives its points back.
    const giveBack = () => Promise.all([this.byAccount.reward(name, 1), this.byAddress.reward(address, 1)]);
    if (!nameOk || !addressOk) {
      await giveBack();
      throw new BiliError(-625);
    }
    try {
      const result = await signIn();
      await Promise.all([this.byAccount.delete(name), this.byAddress.reward(address, 1)]);
      return result;
    } catch (error) {
      if (!(error instanceof BiliError && error.code === -629)) await giveBack();
      throw error;
    }
  }
}
