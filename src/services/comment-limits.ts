import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { RateLimitStorage } from '../store/rate-limits.ts';
import { tryConsume } from './rate-limiter.factory.ts';

/**
 * Posting and reporting limits per user (DESIGN.md §4 "Rate limit", "Report"). Counters live where
 * the store keeps them (store.rateLimits): process memory on SQLite, the shared `rate_limits` table on PostgreSQL,
 * so a cluster's nodes count together. A limit of 0 is off (benchmarks lift them that way).
 */
export class CommentLimits {
  private readonly commentLimiters: RateLimiterAbstract[];
  private readonly reportLimiter: RateLimiterAbstract | null;

  constructor(storage: RateLimitStorage, config: Config) {
    this.commentLimiters = [];
    if (config.commentBurstLimit > 0) {
      this.commentLimiters.push(
        storage.limiter({
          keyPrefix: 'comment_burst',
          points: config.commentBurstLimit,
          durationSeconds: config.commentBurstSeconds,
        }),
      );
    }
    if (config.commentHourlyLimit > 0) {
      this.commentLimiters.push(
        storage.limiter({
          keyPrefix: 'comment_hour',
          points: config.commentHourlyLimit,
          durationSeconds: 3600,
        }),
      );
    }
    this.reportLimiter =
      config.reportPerMinuteLimit > 0
        ? storage.limiter({
            keyPrefix: 'report_minute',
            points: config.reportPerMinuteLimit,
            durationSeconds: 60,
          })
        : null;
  }

  /** Whether posting spends rate-limit points at all (no limit is configured when false). */
  get limitsComments(): boolean {
    return this.commentLimiters.length > 0;
  }

  /** Counts one comment by `mid`; false when it goes over any limit. */
  async allowComment(mid: number): Promise<boolean> {
    for (const limiter of this.commentLimiters) {
      if (!(await tryConsume(limiter, String(mid)))) return false;
    }
    return true;
  }

  /** Counts one report by `mid`; false when it goes over the limit. */
  async allowReport(mid: number): Promise<boolean> {
    return this.reportLimiter === null || tryConsume(this.reportLimiter, String(mid));
  }
}
