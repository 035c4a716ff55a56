import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AddressInfo } from 'node:net';
import { type Env, loadEnv } from '../../src/config/env';
import { createApp } from '../../src/main';
import { readRunState, REDIS_URL } from './test-db';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  env: Env;
  close: () => Promise<void>;
}

/** The real HTTP application on a free port, against this run's database and the real Redis. */
export async function startApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const state = readRunState();
  const env = loadEnv({
    NODE_ENV: 'test',
    DATABASE_URL: state.databaseUrl,
    REDIS_URL,
    DATA_DIR: state.dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO_SEED: 'false',
    SIGNUP_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
    // Specs drive API keys hard; test/api-key-rate-limits sets a small limit.
    API_KEY_RATE_LIMIT: '100000',
    // Tests sign many users in at once from 127.0.0.1; test/sign-in-limits sets the production bounds.
    PASSWORD_HASH_QUEUE: '1000',
    // This run's own BullMQ keys: a developer's running worker never takes a test's jobs.
    QUEUE_PREFIX: `kltest-${state.databaseName}`,
    // Specs read seqs and hashes right after a write: its response waits for the seal (milliseconds).
    // The product's default is not to wait (0); test/audit-sealing and test/nothing-lost run that way.
    AUDIT_SEAL_WAIT_MS: '10000',
    ...overrides,
  });
  const app = await createApp(env);
  // A test that needs links to reach it (PUBLIC_URL) picks its PORT; otherwise any free port.
  await app.listen({ port: overrides.PORT ? Number(overrides.PORT) : 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, env, close: () => app.close() };
}
