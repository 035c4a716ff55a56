/**
 * `npm run budget`: the first-visit budget of the web app (issue 15 item 8), measured on the
 * production build. A measurement, not a test: it prints its figures (and exits 1 when one is over).
 *
 *   1. builds everything (turbo: cached when nothing changed);
 *   2. starts the built API (node apps/api/dist/main.js) on a free port, serving apps/web/dist, on a
 *      database of its own with the demo account seeded (dropped at the end) and a Redis prefix of its own;
 *   3. in Debian's Chromium (playwright-core; CHROMIUM_PATH to use another), signs in over the API
 *      and opens Settings > Audit logs in a fresh context (empty cache) RUNS times, measuring:
 *      - the JavaScript the route loads, compressed as sent (the resources' encodedBodySize): ≤ 170 KB;
 *      - the time from navigation start to the first audit row on screen: < 1.0 s (median).
 *
 * Options: --runs N (default 5).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { chromium } from 'playwright-core';

const ROOT = join(__dirname, '..');
const JS_BUDGET_BYTES = 170 * 1024;
const FIRST_ROW_BUDGET_MS = 1000;
const RUNS = (() => {
  const i = process.argv.indexOf('--runs');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 5;
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new Error('--runs takes a whole number from 1 to 50');
  return n;
})();
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PG_URL = process.env.BUDGET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUTE = '/settings/audit-logs';
const FIRST_ROW = '[role="row"][aria-label^="Entry "]';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** The built API, resolved once it says it is ready (after the demo account is seeded). */
function startApi(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'apps/api/dist/main.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const { msg } = JSON.parse(line) as { msg?: string };
          if (msg?.startsWith('Keyledger is ready')) resolve(child);
        } catch {
          // not a log line
        }
      }
    });
    child.once('exit', (code) => reject(new Error(`the API exited (${code}) before it was ready`)));
  });
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not at ${CHROMIUM}: run "sudo apt-get install -y chromium" (or set CHROMIUM_PATH)`);
  }
  console.log('Building (turbo; cached when nothing changed)…');
  const build = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  if (build.status !== 0) throw new Error('the build failed');

  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const dbName = `keyledger_budget_${tag}`;
  const redisPrefix = `kl-budget-${tag}`;
  const admin = new Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(PG_URL);
  dbUrl.pathname = `/${dbName}`;

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const password = `budget-${randomBytes(12).toString('hex')}`;
  let api: ChildProcess | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    console.log('Starting the built API with the demo account (seeding takes a while)…');
    api = await startApi({
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DEMO_SEED: 'true',
      DEMO_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      NODE_ENV: 'production',
      WEB_DIST: join(ROOT, 'apps/web/dist'),
    });

    const runs: { firstRowMs: number; jsBytes: number; jsFiles: number; jsRaw: number; allBytes: number; largest: string }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
      const signIn = await context.request.post('/api/v1/auth/login', {
        data: { email: 'admin@acme.test', password },
      });
      if (!signIn.ok()) throw new Error(`sign-in failed: ${signIn.status()} ${await signIn.text()}`);
      const page = await context.newPage();
      await page.goto(ROUTE, { waitUntil: 'commit' });
      // performance.now() is measured from the navigation's start: the moment the first row is in the DOM.
      const firstRowMs = await page
        .waitForFunction((sel) => (document.querySelector(sel) ? performance.now() : null), FIRST_ROW, {
          polling: 'raf',
          timeout: 30_000,
        })
        .then((h) => h.jsonValue() as Promise<number>);
      await page.waitForLoadState('networkidle');
      const resources = await page.evaluate(() =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
          name: r.name,
          encoded: r.encodedBodySize,
          decoded: r.decodedBodySize,
        })),
      );
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return n.encodedBodySize;
      });
      const js = resources.filter((r) => new URL(r.name).pathname.endsWith('.js'));
      const assets = resources.filter((r) => !new URL(r.name).pathname.startsWith('/api/'));
      runs.push({
        firstRowMs,
        jsBytes: js.reduce((s, r) => s + r.encoded, 0),
        jsRaw: js.reduce((s, r) => s + r.decoded, 0),
        jsFiles: js.length,
        allBytes: nav + assets.reduce((s, r) => s + r.encoded, 0),
        largest: [...js]
          .sort((a, b) => b.encoded - a.encoded)
          .slice(0, 6)
          .map((r) => `${new URL(r.name).pathname.replace('/assets/', '')} ${kb(r.encoded)}`)
          .join(', '),
      });
      await context.close();
    }

    const jsBytes = Math.max(...runs.map((r) => r.jsBytes));
    const firstRow = median(runs.map((r) => r.firstRowMs));
    const jsOk = jsBytes <= JS_BUDGET_BYTES;
    const rowOk = firstRow < FIRST_ROW_BUDGET_MS;
    const r0 = runs[0]!;
    console.log('');
    console.log(`First-visit budget, ${new Date().toISOString().slice(0, 10)}, ${ROUTE} on the production build, Chromium ${browser.version()}, localhost, cold cache`);
    console.log(`  JavaScript of the route: ${kb(jsBytes)} compressed as sent (${r0.jsFiles} files, ${kb(r0.jsRaw)} uncompressed)   budget ≤ ${kb(JS_BUDGET_BYTES)}   ${jsOk ? 'OK' : 'OVER'}`);
    console.log(`    largest: ${r0.largest}`);
    console.log(`  Everything but API calls (HTML, JS, CSS): ${kb(r0.allBytes)} compressed`);
    console.log(`  First audit row: median ${firstRow.toFixed(0)} ms over ${RUNS} cold visits (${runs.map((r) => r.firstRowMs.toFixed(0)).join(', ')} ms)   budget < ${FIRST_ROW_BUDGET_MS} ms   ${rowOk ? 'OK' : 'OVER'}`);
    process.exitCode = jsOk && rowOk ? 0 : 1;
  } finally {
    await browser.close();
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGTERM');
      await exited;
    }
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(REDIS_URL);
    for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
