/**
 * One API process for P1 (`npm run bench` spawns it): the real application on a free port against
 * the database given, with auditing on or, for the baseline, off — in this process only: the @Audited
 * interceptor is replaced by a pass-through before the app is built. The product has no such switch.
 * argv: <databaseUrl> <redisUrl> <on|off> <dataDir> [settings JSON: more of the API's settings, e.g. P12's
 * log stream ones]. Prints `port <n>` once listening.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const { AuditInterceptor } = require('../../apps/api/dist/audit/audit.interceptor');
const { createApp } = require('../../apps/api/dist/main');
const { loadEnv } = require('../../apps/api/dist/config/env');
/* eslint-enable @typescript-eslint/no-require-imports */

async function main() {
  const [databaseUrl, redisUrl, mode, dataDir, settingsJson] = process.argv.slice(2);
  if (mode === 'off') {
    AuditInterceptor.prototype.intercept = function (_ctx: unknown, next: { handle: () => unknown }) {
      return next.handle();
    };
  }
  const env = loadEnv({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    DEMO_SEED: 'false',
    SIGNUP_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
    LOGIN_RATE_LIMIT: '100000',
    QUEUE_PREFIX: 'kl-bench',
    ...(JSON.parse(settingsJson ?? '{}') as Record<string, string>),
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(`port ${(app.getHttpServer().address() as { port: number }).port}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
