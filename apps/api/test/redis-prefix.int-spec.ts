import { Queue, QueueEvents } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { bullConnection } from '../src/jobs/bull';
import { MAINTENANCE_JOBS, QUEUES } from '../src/jobs/queues';
import { ApiClient } from './support/client';
import { typedClient } from './support/typed-client';
import { startApp, type TestApp } from './support/app';
import { REDIS_URL } from './support/test-db';
import { startWorker, type TestWorker } from './support/worker';

/** Two deployments on one Redis, told apart only by REDIS_PREFIX. */
describe('one deployment, one Redis namespace', () => {
  const tag = randomUUID().slice(0, 8);
  const prefixA = `kltest-a-${tag}`;
  const prefixB = `kltest-b-${tag}`;
  let a: TestApp;
  let b: TestApp;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    a = await startApp({ REDIS_PREFIX: prefixA, LOGIN_RATE_LIMIT: '2' });
    b = await startApp({ REDIS_PREFIX: prefixB, LOGIN_RATE_LIMIT: '2' });
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await a?.close();
    await b?.close();
    const redis = new Redis(REDIS_URL);
    for (const prefix of [prefixA, prefixB]) {
      for await (const keys of redis.scanStream({ match: `${prefix}:*` }) as AsyncIterable<string[]>) {
        if (keys.length) await redis.del(...keys);
      }
    }
    redis.disconnect();
  });

  it('does not share rate-limit counters between deployments', async () => {
    const { user } = await new ApiClient(a.url).signup();
    const login = (t: TestApp) => typedClient(new ApiClient(t.url)).auth.login({ body: { email: user.email, password: 'wrong-password-1' } });
    expect([(await login(a)).status, (await login(a)).status, (await login(a)).status]).toEqual([401, 401, 429]);
    // The same address and email on the other deployment: its own, untouched counter.
    expect((await login(b)).status).toBe(401);
    const redis = new Redis(REDIS_URL);
    try {
      const key = `ratelimit:login:127.0.0.1:${user.email}`;
      expect(await redis.get(`${prefixA}:${key}`)).toBe('3');
      expect(await redis.get(`${prefixB}:${key}`)).toBe('1');
      expect(await redis.exists(key)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it("a worker with another prefix does not take the queue's jobs", async () => {
    const queue = (prefix: string) => {
      const q = new Queue(QUEUES.maintenance, { connection: bullConnection(a.env), prefix });
      const ev = new QueueEvents(QUEUES.maintenance, { connection: bullConnection(a.env), prefix });
      closers.push(() => q.close(), () => ev.close());
      return { q, ev };
    };
    const qa = queue(prefixA);
    const qb = queue(prefixB);
    await Promise.all([qa.ev.waitUntilReady(), qb.ev.waitUntilReady()]);

    const workerB: TestWorker = await startWorker({ REDIS_PREFIX: prefixB });
    closers.push(() => workerB.close());
    const forA = await qa.q.add(MAINTENANCE_JOBS.ping, { v: 1, sentAt: 'deployment A' }, { jobId: `a-${tag}` });
    // B's worker is consuming (it answers B's own job) …
    const forB = await qb.q.add(MAINTENANCE_JOBS.ping, { v: 1, sentAt: 'deployment B' }, { jobId: `b-${tag}` });
    await expect(forB.waitUntilFinished(qb.ev)).resolves.toMatchObject({ pong: true });
    // … and A's job, queued before B's, is still waiting: no other deployment's worker took it.
    expect(await forA.getState()).toBe('waiting');
    expect(await qb.q.getJob(forA.id!)).toBeUndefined();

    const workerA = await startWorker({ REDIS_PREFIX: prefixA });
    closers.push(() => workerA.close());
    await expect(forA.waitUntilFinished(qa.ev)).resolves.toMatchObject({ pong: true });
  });
});
