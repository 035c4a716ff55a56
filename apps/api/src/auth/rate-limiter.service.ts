import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { tooManyRequests } from '../common/errors';
import { REDIS } from '../redis/redis.module';

/**
 * Fixed-window limits kept in Redis, so they hold across API processes. While Redis is down the
 * window is kept in this process's memory instead: limits still apply, per process.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async hit(key: string, limit: number, windowMs: number, what: string): Promise<void> {
    const count = await this.count(`ratelimit:${key}`, windowMs);
    if (count > limit) {
      const minutes = Math.ceil(windowMs / 60000);
      throw tooManyRequests(`Too many ${what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`);
    }
  }

  /** Counts one more event in the key's window and answers the count so far (never throws 429). */
  async take(key: string, windowMs: number): Promise<number> {
    return this.count(`ratelimit:${key}`, windowMs);
  }

  async reset(key: string): Promise<void> {
    this.local.delete(`ratelimit:${key}`);
    await this.redis.del(`ratelimit:${key}`).catch(() => undefined);
  }

  private async count(key: string, windowMs: number): Promise<number> {
    try {
      const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').exec()) as [[null, number]];
      return count;
    } catch (err) {
      this.logger.warn(`Rate limit kept in memory: Redis unavailable (${(err as Error).message})`);
      const now = Date.now();
      const entry = this.local.get(key);
      if (!entry || entry.resetAt <= now) {
        this.local.set(key, { count: 1, resetAt: now + windowMs });
        return 1;
      }
      entry.count += 1;
      return entry.count;
    }
  }
}
