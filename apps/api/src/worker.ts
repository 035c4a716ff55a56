import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import { type Env, loadEnv } from './config/env';
import { createLogger, PinoNestLogger } from './common/logger';
import { migrate } from './database/data-source';
import { assertEveryQueueHasAProcessor, WorkerModule } from './worker.module';

/** The worker process: BullMQ processors, no HTTP. Scale out by starting more of them. */
export async function createWorker(env: Env): Promise<INestApplicationContext> {
  assertEveryQueueHasAProcessor();
  await migrate(env.DATABASE_URL);
  const logger = createLogger(env.LOG_LEVEL, env.LOG_FORMAT);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  return app;
}

if (require.main === module) {
  const env = loadEnv();
  createWorker(env)
    .then(() => createLogger(env.LOG_LEVEL, env.LOG_FORMAT).info('Keyledger worker is consuming its queues'))
    .catch((err: unknown) => {
      console.error('Keyledger worker failed to start:', err);
      process.exit(1);
    });
}
