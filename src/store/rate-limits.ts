import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type pg from 'pg';

export interface LimitRule {
  /** Namespaces the counters of one rule in the shared store. */
  keyPrefix: string;
  points: number;
  durationSeconds: number;
  /** Once exceeded, refuse for this long (default: until the window ends). */
  blockSeconds?: number;
}

/**
 * Where rate-limit counters live (store.rateLimits): in process memory on SQLite (a single node), in
 * PostgreSQL's `rate_limits` table in cluster mode, so every node counts against the same limit.
 */
export interface RateLimitStorage {
  /** One limiter per rule, over this database's storage. */
  limiter(rule: LimitRule): RateLimiterAbstract;
  /**
   * Drops the counters this node keeps in memory (a toolkit reset or restore); counters that are rows
   * of `rate_limits` are emptied by the reset itself.
   */
  forgetLocal(): void;
}

function limiterOptions(rule: LimitRule) {
  return {
    keyPrefix: rule.keyPrefix,
    points: rule.points,
    duration: rule.durationSeconds,
    ...(rule.blockSeconds === undefined ? {} : { blockDuration: rule.blockSeconds }),
  };
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

export class MemoryRateLimits implements RateLimitStorage {
  private readonly limiters = new Set<ResettableMemoryLimiter>();

  limiter(rule: LimitRule): RateLimiterAbstract {
    const limiter = new ResettableMemoryLimiter(limiterOptions(rule));
    this.limiters.add(limiter);
    return limiter;
  }

  forgetLocal(): void {
    for (const limiter of this.limiters) limiter.forgetAll();
  }
}

export class PostgresRateLimits implements RateLimitStorage {
  constructor(private readonly pool: pg.Pool) {}

  limiter(rule: LimitRule): RateLimiterAbstract {
    return new RateLimiterPostgres({
      ...limiterOptions(rule),
      storeClient: this.pool,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: true,
    });
  }

  forgetLocal(): void {
    // Nothing is kept in memory: the counters are rows.
  }
}
