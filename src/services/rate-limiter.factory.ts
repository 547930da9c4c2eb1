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
 * A memory limiter whose counters a toolkit reset can drop at once: its keys carry an epoch, so moving the
 * epoch starts every key afresh (the old records expire on their own timers).
 */
class ResettableMemoryLimiter extends RateLimiterMemory {
  private epoch = 0;

  override getKey(key: string | number): string {
    return `${super.getKey(key)}#${this.epoch}`;
  }

  forgetAll(): void {
    this.epoch++;
  }
}

/** This process's memory limiters per database (one set per test server sharing the process). */
const memoryLimiters = new WeakMap<DbHandle, Set<ResettableMemoryLimiter>>();

/**
 * Drops this node's in-memory counters of every limiter over `handle` (a toolkit reset or restore; the
 * PostgreSQL counters are rows of `rate_limits`, emptied by the reset itself).
 */
export function clearMemoryRateLimits(handle: DbHandle): void {
  for (const limiter of memoryLimiters.get(handle) ?? []) limiter.forgetAll();
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
  const limiter = new ResettableMemoryLimiter(options);
  let set = memoryLimiters.get(handle);
  if (!set) memoryLimiters.set(handle, (set = new Set()));
  set.add(limiter);
  return limiter;
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
