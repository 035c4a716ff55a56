/**
 * P1: an audited mutation against the same mutation with auditing off, each API in its own process
 * on the same fresh database, driven by autocannon over 32 connections: PATCH /licenses/:id with a
 * new maxActivations, round-robin over 128 licenses, so every request is a real change that the
 * audited API records (license_updated with its field diff). (Disable/enable would answer 409
 * whenever autocannon's request order and a license's state disagree.) Rounds alternate (on, off, on, off…) so that drift of
 * the machine falls on both sides.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Client } from 'pg';
import { ApiClient } from '../../apps/api/test/support/client';
import { VendorFixtures } from '../../apps/api/test/support/vendor';
import { dbUrl } from './seed';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  latency: { p50: number; p97_5: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  histogram?: unknown;
}

export interface P1Figures {
  on: { p50: number; p95: number; rps: number; requests: number; non2xx: number; busy: number; cpuMsPerRequest: number };
  off: { p50: number; p95: number; rps: number; requests: number; non2xx: number; busy: number; cpuMsPerRequest: number };
  /** One connection, no queueing: the audited path's own cost per request (p50), and the machine's CPU per request. */
  single: { on: number; off: number; onCpuMs: number; offCpuMs: number };
  /**
   * P1e: one account's audited throughput, two API processes (32 connections each, half the licenses
   * each) vs one (32); `unaudited`, the same with auditing off — what the machine itself allows.
   */
  scale: { one: number; two: number; rounds: Array<{ one: number; two: number }>; unaudited: { one: number; two: number; rounds: Array<{ one: number; two: number }> } };
  /** P9: recorded → sealed (sealed_at − occurred_at) of the entries of the audited 32-connection rounds, ms. */
  seal: { entries: number; p50: number; p99: number; max: number };
}

const CONNECTIONS = 32;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const DB = 'keyledger_bench_p1';
/** Licenses the requests go round (more than connections, so two requests rarely wait on one row). */
const LICENSES = 128;

async function startApi(mode: 'on' | 'off', dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  // BENCH_P1_SETTINGS: more of the API's settings as JSON, for an A/B (e.g. {"AUDIT_SEAL_WAIT_MS":"0"}).
  const settings = process.env.BENCH_P1_SETTINGS ?? '{}';
  const child = spawn(tsx, [join(__dirname, 'api-child.ts'), dbUrl(DB), REDIS_URL, mode, dataDir, settings], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`API (${mode}) exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The machine's CPU time so far, busy and total, in clock ticks (/proc/stat's first line; Linux). */
function cpuTicks(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Percentiles from autocannon's per-request latencies (it reports p97.5, not p95). */
function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function round(url: string, creds: { cookie: string; csrf: string }, licenses: string[], seconds: number, connections = CONNECTIONS) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const cpu0 = cpuTicks();
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'PATCH',
        headers: { cookie: creds.cookie, 'x-csrf-token': creds.csrf, 'content-type': 'application/json' },
        setupRequest: (req: Record<string, unknown>) => {
          const n = next++;
          const license = licenses[n % licenses.length]!;
          return { ...req, path: `/api/v1/licenses/${license}`, body: JSON.stringify({ maxActivations: 1 + (Math.floor(n / licenses.length) % 50) }) };
        },
      },
    ],
    setupClient: (client: { on: (e: string, f: (...a: unknown[]) => void) => void }) => {
      client.on('response', (status: unknown, _bytes: unknown, responseTime: unknown) => {
        latencies.push(responseTime as number);
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      });
    },
  });
  const cpu1 = cpuTicks();
  latencies.sort((a, b) => a - b);
  if (process.env.BENCH_DEBUG) console.log(statuses);
  // The whole machine's busy share during the round (API, PostgreSQL, autocannon) and busy CPU per request:
  // whether a round was bound by CPU, and what a request costs in CPU on this machine.
  const busy = (cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total);
  const cpuMsPerRequest = ((cpu1.busy - cpu0.busy) * 10) / Math.max(1, result.requests.total); // ticks are 10 ms (USER_HZ 100)
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), rps: result.requests.total / seconds, requests: result.requests.total, non2xx: result.non2xx + result.errors + result.timeouts, busy, cpuMsPerRequest };
}

export async function measureP1(quick: boolean, log = console.log): Promise<P1Figures> {
  const admin = new Client({ connectionString: dbUrl('postgres') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB}"`);
  await admin.end();
  const dataDir = mkdtempSync(join(tmpdir(), 'keyledger-bench-p1-'));
  const on = await startApi('on', dataDir);
  const off = await startApi('off', dataDir);
  const second = await startApi('on', dataDir);
  const secondOff = await startApi('off', dataDir);
  try {
    const api = new ApiClient(on.url);
    await api.signup();
    const vendor = new VendorFixtures(api);
    const order = await vendor.order();
    const product = await vendor.product();
    const licenses: string[] = [];
    for (let i = 0; i < LICENSES; i++) licenses.push((await vendor.license({ orderId: order.id, productId: product.id })).id);
    const creds = { cookie: [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: api.cookies.get('kl_csrf')! };
    const seconds = quick ? 5 : 15;
    const rounds = quick ? 1 : 3;
    // Warm-up: both processes JIT-compile the path and fill their connection pools.
    await round(on.url, creds, licenses, 3);
    await round(off.url, creds, licenses, 3);
    const acc = { on: [] as Awaited<ReturnType<typeof round>>[], off: [] as Awaited<ReturnType<typeof round>>[] };
    const auditedWindows: Array<[Date, Date]> = [];
    for (let r = 0; r < rounds; r++) {
        const from = new Date();
        acc.on.push(await round(on.url, creds, licenses, seconds));
        auditedWindows.push([from, new Date()]);
        acc.off.push(await round(off.url, creds, licenses, seconds));
      log(`  P1 round ${r + 1}: on ${JSON.stringify(acc.on.at(-1))}; off ${JSON.stringify(acc.off.at(-1))}`);
    }
    // The median round of each side.
    const mid = <T>(xs: T[], key: (x: T) => number) => [...xs].sort((a, b) => key(a) - key(b))[Math.floor(xs.length / 2)]!;
    const summary = (xs: typeof acc.on) => ({
      p50: mid(xs, (x) => x.p50).p50,
      p95: mid(xs, (x) => x.p95).p95,
      rps: mid(xs, (x) => x.rps).rps,
      requests: xs.reduce((s, x) => s + x.requests, 0),
      non2xx: xs.reduce((s, x) => s + x.non2xx, 0),
      busy: mid(xs, (x) => x.busy).busy,
      cpuMsPerRequest: mid(xs, (x) => x.cpuMsPerRequest).cpuMsPerRequest,
    });
    // One connection: no request waits for another, so the p50 difference is auditing's own cost
    // (transaction, change capture, head row, entry and links insert, commit).
    const singleOn = await round(on.url, creds, licenses, quick ? 3 : 8, 1);
    const singleOff = await round(off.url, creds, licenses, quick ? 3 : 8, 1);
    log(`  P1 one connection: on p50 ${singleOn.p50.toFixed(2)} ms, ${singleOn.cpuMsPerRequest.toFixed(2)} ms CPU a request; off p50 ${singleOff.p50.toFixed(2)} ms, ${singleOff.cpuMsPerRequest.toFixed(2)} ms CPU`);
    // P1e: the same account written through a second audited process at the same time. Each process
    // gets half the licenses, so the two never wait on each other's license rows — only on what they
    // share by design (the account's audit head). Rounds alternate one / two.
    const half = licenses.length / 2;
    const scaling = async (first: string, other: string, label: string) => {
      await round(other, creds, licenses, 3);
      const out: Array<{ one: number; two: number }> = [];
      for (let r = 0; r < rounds; r++) {
        const one = (await round(first, creds, licenses, seconds)).rps;
        const both = await Promise.all([round(first, creds, licenses.slice(0, half), seconds), round(other, creds, licenses.slice(half), seconds)]);
        out.push({ one, two: both[0].rps + both[1].rps });
        log(`  P1e ${label} round ${r + 1}: one process ${one.toFixed(0)}/s; two ${both.map((b) => b.rps.toFixed(0)).join(' + ')}/s`);
      }
      return { one: mid(out, (x) => x.one).one, two: mid(out, (x) => x.two).two, rounds: out };
    };
    const scale = { ...(await scaling(on.url, second.url, 'audited')), unaudited: await scaling(off.url, secondOff.url, 'auditing off') };
    // P9: the seal delay of the audited rounds' entries — sealed_at (the sealer's clock) minus the time
    // the writer recorded the entry (a moment before its COMMIT, so an upper bound of commit → sealed).
    const db = new Client({ connectionString: dbUrl(DB) });
    await db.connect();
    const delays = await db.query<{ n: number; p50: number; p99: number; max: number }>(
      `SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
         FROM (SELECT EXTRACT(EPOCH FROM e.sealed_at - e.occurred_at) * 1000 AS ms
                 FROM audit_entries e JOIN unnest($1::timestamptz[], $2::timestamptz[]) AS w(a, b) ON e.occurred_at >= w.a AND e.occurred_at < w.b) d`,
      [auditedWindows.map((w) => w[0]), auditedWindows.map((w) => w[1])],
    );
    await db.end();
    const d = delays.rows[0]!;
    const seal = { entries: d.n, p50: Number(d.p50), p99: Number(d.p99), max: Number(d.max) };
    log(`  P9 seal delay over ${seal.entries} entries of the audited rounds: p50 ${seal.p50.toFixed(1)} ms, p99 ${seal.p99.toFixed(1)} ms, max ${seal.max.toFixed(1)} ms`);
    return { on: summary(acc.on), off: summary(acc.off), single: { on: singleOn.p50, off: singleOff.p50, onCpuMs: singleOn.cpuMsPerRequest, offCpuMs: singleOff.cpuMsPerRequest }, scale, seal };
  } finally {
    for (const c of [on.child, off.child, second.child, secondOff.child]) {
      c.kill('SIGTERM');
      await once(c, 'exit').catch(() => undefined);
    }
    rmSync(dataDir, { recursive: true, force: true });
    const cleanup = new Client({ connectionString: dbUrl('postgres') });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
    await cleanup.end();
  }
}
