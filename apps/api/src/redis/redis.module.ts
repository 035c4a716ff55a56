import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { ENV, type Env } from '../config/env';

export const REDIS = Symbol('REDIS');

/** `<REDIS_PREFIX>:`, in front of every key of the request-path client. */
export const redisKeyPrefix = (env: Pick<Env, 'REDIS_PREFIX'>) => `${env.REDIS_PREFIX}:`;

/**
 * One ioredis client for request-path use (rate limits, health). Commands fail fast while Redis is
 * down instead of queueing, so nothing a user waits on hangs on it. Every key it writes starts with
 * `<REDIS_PREFIX>:` (ioredis' keyPrefix), the same prefix as the BullMQ queues', so deployments
 * sharing one Redis never share a counter.
 */
@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown() {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [ENV],
      useFactory: (env: Env) => {
        const logger = new Logger('Redis');
        const client = new Redis(env.REDIS_URL, {
          keyPrefix: redisKeyPrefix(env),
          lazyConnect: false,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2000,
          retryStrategy: (times) => Math.min(times * 200, 2000),
        });
        let down = false;
        client.on('error', (err) => {
          if (!down) logger.warn(`Redis unreachable (${err.message}); retrying`);
          down = true;
        });
        client.on('ready', () => {
          if (down) logger.log('Redis reachable again');
          down = false;
        });
        return client;
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
