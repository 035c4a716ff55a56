import { BullModule } from '@nestjs/bullmq';
import { ENV, type Env } from '../config/env';

/** BullMQ's connection from REDIS_URL; completed jobs leave Redis after a day, failed after a week. */
export const BullRootModule = BullModule.forRootAsync({
  inject: [ENV],
  useFactory: (env: Env) => {
    const url = new URL(env.REDIS_URL);
    return {
      connection: {
        host: url.hostname,
        port: Number(url.port || 6379),
        username: url.username || undefined,
        password: url.password ? decodeURIComponent(url.password) : undefined,
        db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
        tls: url.protocol === 'rediss:' ? {} : undefined,
      },
      prefix: 'keyledger',
      defaultJobOptions: {
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    };
  },
});
