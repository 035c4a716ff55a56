import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { tooManyRequests } from '../common/errors';
import { REDIS } from '../redis/redis.module';

/**
 * Fixed-window limits kept in Redis, so they hold across API processes. While Redis is down the
 * window is kept in this process's memory instead: limits still apply, per process. Keys are
 * `<REDIS_PREFIX>:ratelimit:<key>` (the client's keyPrefix adds the first part).
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  /** Counts one more; over `limit` in the window → 429 with `Retry-After` (the window's rest). */
  async hit(key: string, limit: number, windowMs: number, what: string): Promise<void> {
    const { count, resetInMs } = await this.count(`ratelimit:${key}`, windowMs);
    if (count > limit) {
      const minutes = Math.ceil(resetInMs / 60000);
      throw tooManyRequests(
        `Too many ${what}; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
        Math.ceil(resetInMs / 1000),
      );
    }
  }

  /** Counts one more event in the key's window: the count so far and the milliseconds until the window resets (never throws 429). */
  async consume(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    return this.count(`ratelimit:${key}`, windowMs);
  }

  /** Counts one more event in the key's window and answers the count so far (never throws 429). */
  async take(key: string, windowMs: number): Promise<number> {
    return (await this.count(`ratelimit:${key}`, windowMs)).count;
  }

  /** Takes back one count of the window (an attempt that turned out not to count, e.g. a successful sign-in). */
  async giveBack(key: string): Promise<void> {
    const entry = this.local.get(`ratelimit:${key}`);
    if (entry && entry.count > 0) entry.count -= 1;
    // Only while the window lives: a DECR after it lapsed would leave a key without expiry below zero.
    await this.redis
      .eval("if redis.call('exists', KEYS[1]) == 1 then return redis.call('decr', KEYS[1]) end return 0", 1, `ratelimit:${key}`)
      .catch(() => undefined);
  }

  async reset(key: string): Promise<void> {
    this.local.delete(`ratelimit:${key}`);
    await this.redis.del(`ratelimit:${key}`).catch(() => undefined);
  }

  private async count(key: string, windowMs: number): Promise<{ count: number; resetInMs: number }> {
    try {
      const [[, count], , [, pttl]] = (await this.redis.multi().incr(key).pexpire(key, windowMs, 'NX').pttl(key).exec()) as [
        [null, number],
        unknown,
        [null, number],
      ];
      return { count, resetInMs: pttl > 0 ? pttl : windowMs };
    } catch (err) {
      this.logger.warn(`Rate limit kept in memory: Redis unavailable (${(err as Error).message})`);
      const now = Date.now();
      const entry = this.local.get(key);
      if (!entry || entry.resetAt <= now) {
        this.local.set(key, { count: 1, resetAt: now + windowMs });
        return { count: 1, resetInMs: windowMs };
      }
      entry.count += 1;
      return { count: entry.count, resetInMs: entry.resetAt - now };
    }
  }
}
