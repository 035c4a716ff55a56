import { BullModule, Processor } from '@nestjs/bullmq';
import { type Provider, type Type } from '@nestjs/common';
import { type ConnectionOptions, type WorkerOptions } from 'bullmq';
import { ENV, type Env } from '../config/env';

/** ioredis options for BullMQ from REDIS_URL. */
export function bullConnection(env: Env): ConnectionOptions {
  const url = new URL(env.REDIS_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/** BullMQ's connection from REDIS_URL, keys under REDIS_PREFIX; completed jobs leave Redis after a day, failed after a week. */
export const BullRootModule = BullModule.forRootAsync({
  inject: [ENV],
  useFactory: (env: Env) => ({
    connection: bullConnection(env),
    prefix: env.REDIS_PREFIX,
    defaultJobOptions: {
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  }),
});

/**
 * Worker settings that come from the environment: the job lock (a killed worker's job is taken
 * over by another once its lock lapses) and how often workers look for such stalled jobs.
 */
export function workerOptions(env: Env): Partial<WorkerOptions> {
  return { lockDuration: env.JOB_LOCK_MS, stalledInterval: env.JOB_LOCK_MS, maxStalledCount: 2 };
}

/**
 * The provider for a processor class, run with `workerOptions(env)` on top of its own
 * `@Processor(queue, options)`: @nestjs/bullmq reads worker options from class metadata, so the
 * configured class is a subclass carrying the merged metadata (the original class is untouched).
 */
export function processorProvider(processor: Type, env: Env): Provider {
  const queue = Reflect.getMetadata('bullmq:processor_metadata', processor) as { name: string } | undefined;
  if (!queue) throw new Error(`${processor.name} has no @Processor decorator`);
  const own = (Reflect.getMetadata('bullmq:worker_metadata', processor) ?? {}) as Partial<WorkerOptions>;
  const configured = class extends processor {};
  Object.defineProperty(configured, 'name', { value: processor.name });
  Processor(queue, { ...own, ...workerOptions(env) })(configured);
  return { provide: processor, useClass: configured };
}
