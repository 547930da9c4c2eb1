import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { DbHandle } from '../store/database.ts';

export interface LimitRule {
  /** Namespaces the counters of one rule in the shared store. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  /** Once exceeded, refuse for this long (default: until the window ends). */
  blockSeconds?: number;
}

/**
 * One rate limiter per rule: in process memory on SQLite (a single node), in PostgreSQL's `rate_limits`
 * table in cluster mode, so every node counts against the same limit.
 */
export function createRateLimiter(handle: DbHandle, rule: LimitRule): RateLimiterAbstract {
  const options = {
    keyPrefix: rule.keyPrefix,
    points: rule.points,
    duration: rule.durationSeconds,
    ...(rule.blockSeconds === undefined ? {} : { blockDuration: rule.blockSeconds }),
  };
  if (handle.pool) {
    return new RateLimiterPostgres({
      ...options,
      storeClient: handle.pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  }
  return new RateLimiterMemory(options);
}

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
