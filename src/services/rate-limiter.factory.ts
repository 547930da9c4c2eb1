import { RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

// Limiters come from `store.rateLimits` (src/store/rate-limits.ts), which decides where counters live;
// these helpers are the policy every service applies to them.

/**
 * Consumes `points` from `key`; true when allowed, false when the limit is exceeded. Store failures are
 * rethrown (they are not a reason to let everything through silently, nor to block everyone).
 */
export async function tryConsume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<boolean> {
  try {
    await limiter.consume(key, points);
    return true;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return false;
    throw rejection;
  }
}

/** True when `key` has already used up its points in the current window (without consuming). */
export async function isExhausted(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  const res = await limiter.get(key);
  return res !== null && res.remainingPoints <= 0;
}
