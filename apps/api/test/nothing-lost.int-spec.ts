/**
 * Nothing lost: audited mutations under load and under faults, against a PostgreSQL and a Redis
 * this file starts on its own ports (never the shared servers), so it may restart and stop them.
 *
 * Every request sets its product's name to a value of its own (`<tag> lane <i> #<n>`), which the
 * entry's changes record (the entry's request id is the server's, so the caller's x-request-id
 * cannot correlate): after each run, every 2xx answer must have exactly one entry and every other answer none; each account's seq must run
 * 1..N without gaps or duplicates and its chain must verify; and each product must hold the value
 * of the last request on it that succeeded (a failed request changed nothing).
 */
import { type AuditExport } from '@keyledger/contract';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { bullConnection } from '../src/jobs/bull';
import { QUEUES } from '../src/jobs/queues';
import { IntegrityVerifier } from '../src/integrity/integrity-verifier.service';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { byStatus, type Credentials, is2xx, LoadClient, type Outcome } from './support/load';
import { PrivatePostgres, PrivateRedis } from './support/private-services';
import { VendorFixtures } from './support/vendor';
import { startWorker, type TestWorker } from './support/worker';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { AuditSealer } from '../src/audit/audit-sealer';
import { AuditService } from '../src/audit/audit.service';

const CONNECTIONS = 50;
const ACCOUNTS = 5; // 10 connections per account: writers of one account contend for its head row
const MUTATIONS = Number(process.env.NOTHING_LOST_MUTATIONS ?? 10_000);

interface Lane {
  index: number;
  account: number;
  creds: Credentials;
  productId: string;
  baseUrl: string;
  outcomes: Outcome[];
}

interface Tenant {
  api: ApiClient;
  accountId: string;
}

const figures: string[] = [];
const report = (line: string) => {
  figures.push(line);
  console.log(`[nothing-lost] ${line}`);
};

describe('nothing lost under load and faults (private PostgreSQL and Redis)', () => {
  let pg: PrivatePostgres | undefined;
  let redis: PrivateRedis | undefined;
  let dataDir: string | undefined;
  let db: Client | undefined;
  const apps: TestApp[] = [];
  const workers: TestWorker[] = [];

  const settings = () => ({
    DATABASE_URL: pg!.url(),
    REDIS_URL: redis!.url,
    DATA_DIR: dataDir!,
    QUEUE_PREFIX: 'kl-faults',
    CHECKPOINT_INTERVAL_SECONDS: '3600',
    AUDIT_SEAL_WAIT_MS: '0', // the product's default: responses do not wait for the seal (verify waits for it)
  });

  async function newApp(): Promise<TestApp> {
    const app = await startApp(settings());
    apps.push(app);
    return app;
  }

  beforeAll(async () => {
    const started = Date.now();
    dataDir = mkdtempSync(join(tmpdir(), 'keyledger-faults-data-'));
    pg = await PrivatePostgres.start();
    redis = await PrivateRedis.start();
    await newApp(); // migrates the private database
    db = new Client({ connectionString: pg.url() });
    db.on('error', () => undefined); // the restart test drops it; it reconnects below
    await db.connect();
    report(`private PostgreSQL on :${pg.port}, Redis on :${redis.port}, ready in ${Date.now() - started} ms`);
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) await w.close().catch(() => undefined);
    for (const a of apps) await a.close().catch(() => undefined);
    await db?.end().catch(() => undefined);
    await redis?.down().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(`[nothing-lost] figures:\n  ${figures.join('\n  ')}`);
  }, 60_000);

  /** A direct connection to the private database, opened again if a restart closed it. */
  async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    try {
      return (await db!.query<T>(sql, params)).rows;
    } catch (err) {
      if (!/terminat|Connection|not queryable|ended/i.test((err as Error).message)) throw err;
      db = new Client({ connectionString: pg!.url() });
      db.on('error', () => undefined);
      await db.connect();
      return (await db.query<T>(sql, params)).rows;
    }
  }

  /** ACCOUNTS fresh accounts and CONNECTIONS lanes, each lane with its own product, spread over `urls`. */
  async function prepare(urls: string[]): Promise<{ tenants: Tenant[]; lanes: Lane[] }> {
    const tenants: Tenant[] = [];
    const lanes: Lane[] = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const api = new ApiClient(urls[0]!);
      await api.signup();
      tenants.push({ api, accountId: api.session!.account.id });
    }
    const vendors = tenants.map((t) => new VendorFixtures(t.api));
    const products = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => vendors[i % ACCOUNTS]!.product()));
    for (let i = 0; i < CONNECTIONS; i++) {
      const api = tenants[i % ACCOUNTS]!.api;
      lanes.push({
        index: i,
        account: i % ACCOUNTS,
        creds: { cookie: [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; '), csrf: api.cookies.get('kl_csrf')! },
        productId: products[i]!.id,
        baseUrl: urls[i % urls.length]!,
        outcomes: [],
      });
    }
    return { tenants, lanes };
  }

  /**
   * `total` audited product updates over the lanes (one connection each, requests one after
   * another); `during` runs alongside and may pace itself on `done()`.
   */
  async function load(tag: string, lanes: Lane[], total: number, during?: (done: () => number, stop: () => void) => Promise<void>) {
    const client = new LoadClient(lanes.length);
    let next = 0;
    let done = 0;
    let stopped = false;
    const started = Date.now();
    const lane = async (l: Lane) => {
      for (let n = next++; n < total && !stopped; n = next++) {
        const name = `${tag} lane ${l.index} #${n}`;
        const o = await client.send(l.baseUrl, 'PATCH', `/api/v1/products/${l.productId}`, { name }, l.creds, `${tag}-${l.index}-${n}`);
        l.outcomes.push(o);
        done++;
      }
    };
    try {
      await Promise.all([...lanes.map(lane), during?.(() => done, () => void (stopped = true))]);
    } finally {
      client.close();
    }
    const ms = Date.now() - started;
    const outcomes = lanes.flatMap((l) => l.outcomes);
    return { outcomes, ms, rate: Math.round((outcomes.length / ms) * 1000) };
  }

  /** The checks of "nothing lost", for one run; returns the number of entries the run wrote. */
  /**
   * Waits until no entry of the accounts is still sealing (a response waits for its own entry at most
   * AUDIT_SEAL_WAIT_MS; after a fault the sweep seals the rest). Returns how long that took.
   */
  async function allSealed(accountIds: string[], timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const [r] = await query<{ n: number }>('SELECT count(*)::int AS n FROM audit_pending WHERE account_id = ANY($1)', [accountIds]);
      if (r!.n === 0) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`${r!.n} entries still sealing after ${timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  async function verify(tag: string, tenants: Tenant[], lanes: Lane[], before: Map<string, number>): Promise<number> {
    await allSealed(tenants.map((t) => t.accountId));
    const outcomes = lanes.flatMap((l) => l.outcomes);
    // Each request's entry, found by the name it set (the request ids in entries are the server's own).
    const rows = await query<{ name: string; n: number }>(
      `SELECT c->>'after' AS name, count(*)::int AS n
         FROM audit_entries e CROSS JOIN LATERAL json_array_elements(e.changes) c
        WHERE e.account_id = ANY($1) AND e.action = 'product_updated' AND c->>'field' = 'name' AND c->>'after' LIKE $2
        GROUP BY 1`,
      [tenants.map((t) => t.accountId), `${tag} lane %`],
    );
    const entries = new Map(rows.map((r) => [r.name, r.n]));
    const nameOf = (requestId: string) => {
      const [lane, n] = requestId.slice(tag.length + 1).split('-');
      return `${tag} lane ${lane} #${n}`;
    };
    const wrong: string[] = [];
    for (const o of outcomes) {
      const n = entries.get(nameOf(o.requestId)) ?? 0;
      if (is2xx(o) ? n !== 1 : n !== 0) wrong.push(`${o.requestId}: HTTP ${o.status}${o.error ? ` (${o.error})` : ''} has ${n} entries`);
      entries.delete(nameOf(o.requestId));
    }
    for (const [id, n] of entries) wrong.push(`${id}: ${n} entries but no such request`);
    expect(wrong.slice(0, 20)).toEqual([]);
    const written = rows.reduce((s, r) => s + r.n, 0);
    expect(written).toBe(outcomes.filter(is2xx).length);

    for (const [a, t] of tenants.entries()) {
      const [seq] = await query<{ n: number; lo: number; hi: number; distinct: number; head: number }>(
        `SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi, count(DISTINCT seq)::int AS distinct,
                (SELECT last_seq::int FROM audit_heads WHERE account_id = $1) AS head
         FROM audit_entries WHERE account_id = $1`,
        [t.accountId],
      );
      const ok = lanes.filter((l) => l.account === a).reduce((s, l) => s + l.outcomes.filter(is2xx).length, 0);
      expect(seq).toEqual({ n: before.get(t.accountId)! + ok, lo: 1, hi: seq!.n, distinct: seq!.n, head: seq!.n });
      // The worker's incremental verifier, run here once (the route returns what it stored).
      await apps[apps.length - 1]!.app.get(IntegrityVerifier).verifyIncrementally(t.accountId);
      const integrity = await t.api.get('/api/v1/audit-log/integrity');
      expect(integrity.status).toBe(200);
      expect(integrity.body).toMatchObject({ ok: true, headSeq: seq!.n, verifiedThroughSeq: seq!.n });
    }

    // A failed request changed nothing: each product holds its lane's last successful name.
    const names = new Map(
      (await query<{ id: string; name: string }>('SELECT id, name FROM products WHERE id = ANY($1)', [lanes.map((l) => l.productId)])).map(
        (r) => [r.id, r.name],
      ),
    );
    for (const l of lanes) {
      const last = [...l.outcomes].reverse().find(is2xx);
      if (last) expect(names.get(l.productId)).toBe((JSON.parse(last.body) as { name: string }).name);
    }
    return written;
  }

  async function countsBefore(tenants: Tenant[]): Promise<Map<string, number>> {
    await allSealed(tenants.map((t) => t.accountId)); // the set-up's own entries (responses do not wait for them)
    const rows = await query<{ account_id: string; n: number }>(
      'SELECT account_id, count(*)::int AS n FROM audit_entries WHERE account_id = ANY($1) GROUP BY account_id',
      [tenants.map((t) => t.accountId)],
    );
    return new Map(tenants.map((t) => [t.accountId, rows.find((r) => r.account_id === t.accountId)?.n ?? 0]));
  }

  it(`loses nothing over ${MUTATIONS} audited mutations on ${CONNECTIONS} connections to one API process`, async () => {
    const tag = `one-${randomUUID().slice(0, 8)}`;
    const { tenants, lanes } = await prepare([apps[0]!.url]);
    const before = await countsBefore(tenants);
    const run = await load(tag, lanes, MUTATIONS);
    const entries = await verify(tag, tenants, lanes, before);
    report(
      `1 API process: ${run.outcomes.length} requests over ${CONNECTIONS} connections, ${ACCOUNTS} accounts → ` +
        `${JSON.stringify(byStatus(run.outcomes))}, ${entries} entries, seq gap-free, chains ok; ${run.ms} ms (${run.rate}/s)`,
    );
    expect(run.outcomes.every(is2xx)).toBe(true);
  }, 180_000);

  it(`loses nothing over ${MUTATIONS} audited mutations on ${CONNECTIONS} connections to two API processes`, async () => {
    if (apps.length < 2) await newApp();
    const tag = `two-${randomUUID().slice(0, 8)}`;
    const { tenants, lanes } = await prepare([apps[0]!.url, apps[1]!.url]);
    const before = await countsBefore(tenants);
    const run = await load(tag, lanes, MUTATIONS);
    const entries = await verify(tag, tenants, lanes, before);
    report(
      `2 API processes: ${run.outcomes.length} requests over ${CONNECTIONS} connections, ${ACCOUNTS} accounts → ` +
        `${JSON.stringify(byStatus(run.outcomes))}, ${entries} entries, seq gap-free, chains ok; ${run.ms} ms (${run.rate}/s)`,
    );
    expect(run.outcomes.every(is2xx)).toBe(true);
  }, 180_000);

  it('keeps exactly one entry per 2xx and none per failure when PostgreSQL restarts mid-load, and recovers by itself', async () => {
    const tag = `pgrestart-${randomUUID().slice(0, 8)}`;
    const urls = apps.map((a) => a.url);
    const { tenants, lanes } = await prepare(urls);
    const before = await countsBefore(tenants);
    const total = Math.min(MUTATIONS, 5000);
    let restartedAt = 0;
    let restartMs = 0;
    let sealingAtRestart = 0;
    const run = await load(tag, lanes, total, async (done) => {
      while (done() < total / 4) await new Promise((r) => setTimeout(r, 20));
      // Restart while sealers are inside a batch, not merely between batches: each sealing statement is
      // slowed (a trigger sleeps 200 ms in it), so one is always running when the restart begins.
      await query(`CREATE OR REPLACE FUNCTION test_slow_seal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.2); RETURN NULL; END $$`);
      await query('CREATE TRIGGER test_slow_seal AFTER INSERT ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION test_slow_seal()');
      for (const until = Date.now() + 5000; Date.now() < until && !sealingAtRestart; ) sealingAtRestart = await sealStatementsRunning();
      const t0 = Date.now();
      await pg!.restart();
      await query('DROP TRIGGER test_slow_seal ON audit_entries');
      restartedAt = Date.now();
      restartMs = restartedAt - t0;
    });
    expect(restartedAt).toBeGreaterThan(0);
    expect(sealingAtRestart).toBeGreaterThan(0);
    const outcomes = run.outcomes;
    const failed = outcomes.filter((o) => !is2xx(o));
    const firstFailure = Math.min(...failed.map((o) => o.at));
    const lastFailure = Math.max(...failed.map((o) => o.at));
    const after = outcomes.filter((o) => o.at > restartedAt);
    const entries = await verify(tag, tenants, lanes, before);

    // Recovered by itself: well after the restart, every request succeeds again (same app processes).
    const settled = outcomes.filter((o) => o.at > restartedAt + 5000);
    const check = await load(`${tag}-after`, lanes.map((l) => ({ ...l, outcomes: [] })), 500);
    report(
      `PostgreSQL restart (pg_ctl restart -m fast, ${restartMs} ms) mid-load, ${sealingAtRestart} sealing batch(es) in flight, on ${urls.length} API process(es): ` +
        `${outcomes.length} requests → ${JSON.stringify(byStatus(outcomes))}, ${entries} entries (= 2xx), ` +
        `failures from ${failed.length ? firstFailure - restartedAt : 0} to ${failed.length ? lastFailure - restartedAt : 0} ms ` +
        `around the restart's end, ${after.filter(is2xx).length}/${after.length} succeeded after it; then ` +
        `${check.outcomes.filter(is2xx).length}/${check.outcomes.length} succeeded without restarting the app`,
    );
    if (failed.length) {
      const sample = failed.slice(0, 3).map((o) => `${o.status} ${o.error ?? o.body.slice(0, 200)}`);
      console.log(`[nothing-lost] sample failures during the restart:\n  ${sample.join('\n  ')}`);
    }
    expect(settled.filter((o) => !is2xx(o)).map((o) => `${o.requestId} ${o.status} ${o.body.slice(0, 200)}`)).toEqual([]);
    expect(byStatus(check.outcomes)).toEqual({ 200: 500 });
  }, 180_000);

  /** Sealing statements running now (AuditStore.sealBatch: the DELETE from audit_pending into audit_entries). */
  async function sealStatementsRunning(): Promise<number> {
    const [r] = await query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%DELETE FROM audit_pending p USING s%' AND pid <> pg_backend_pid()`,
    );
    return r!.n;
  }

  it('loses nothing when sealers are killed mid-batch, again and again, under load', async () => {
    const tag = `sealkill-${randomUUID().slice(0, 8)}`;
    const { tenants, lanes } = await prepare(apps.map((a) => a.url));
    const before = await countsBefore(tenants);
    const total = Math.min(MUTATIONS, 3000);
    let killed = 0;
    const run = await load(tag, lanes, total, async (done) => {
      // Terminate every backend caught inside a sealing statement (its transaction aborts with it).
      while (done() < total * 0.9) {
        const rows = await query<{ killed: boolean }>(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE '%DELETE FROM audit_pending p USING s%' AND pid <> pg_backend_pid()`,
        );
        killed += rows.filter((r) => r.killed).length;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    const sealedIn = await allSealed(tenants.map((t) => t.accountId));
    const entries = await verify(tag, tenants, lanes, before);
    report(
      `sealers killed mid-batch: ${killed} sealing backends terminated during ${run.outcomes.length} requests → ` +
        `${JSON.stringify(byStatus(run.outcomes))}, ${entries} entries (= 2xx), all sealed ${sealedIn} ms after the load, seq gap-free, chains ok`,
    );
    expect(killed).toBeGreaterThan(0);
    expect(run.outcomes.every(is2xx)).toBe(true);
  }, 180_000);

  it('seals gap-free with sealers racing: every API process and extra sealers on the same accounts at once', async () => {
    if (apps.length < 2) await newApp();
    const tag = `sealrace-${randomUUID().slice(0, 8)}`;
    const { tenants, lanes } = await prepare(apps.map((a) => a.url));
    const before = await countsBefore(tenants);
    const total = Math.min(MUTATIONS, 3000);
    let extra = 0;
    const run = await load(tag, lanes, total, async (done) => {
      // Four more sealers per process, each sealing every account in a loop while the processes' own do too.
      const sealers = apps.map((a) => a.app.get(AuditSealer));
      await Promise.all(
        sealers.flatMap((sealer) =>
          Array.from({ length: 4 }, async () => {
            while (done() < total) {
              for (const t of tenants) extra += await sealer.sealBatch(t.accountId);
            }
          }),
        ),
      );
    });
    const entries = await verify(tag, tenants, lanes, before);
    report(
      `sealers racing: ${apps.length} API processes + ${apps.length * 4} extra sealers on ${ACCOUNTS} accounts, ${run.outcomes.length} requests → ` +
        `${JSON.stringify(byStatus(run.outcomes))}, ${entries} entries (${extra} sealed by the extra sealers), seq gap-free, chains ok`,
    );
    expect(extra).toBeGreaterThan(0);
    expect(run.outcomes.every(is2xx)).toBe(true);
  }, 180_000);

  it('keeps sealing others while a transaction with an entry is held open for 10 s under load, and seals it after its commit', async () => {
    const tag = `longtx-${randomUUID().slice(0, 8)}`;
    const app = apps[0]!;
    const { tenants, lanes } = await prepare([app.url]);
    const before = await countsBefore(tenants);
    const holder = tenants[0]!;
    let heldFrom = 0;
    let heldUntil = 0;
    const run = await load(tag, lanes, 100_000, async (done, stop) => {
      while (done() < 200) await new Promise((r) => setTimeout(r, 20));
      const cls = app.app.get(ClsService);
      const txHost = app.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
      await cls.run(() =>
        txHost.withTransaction(async () => {
          await app.app.get(AuditService).record({
            accountId: holder.accountId,
            action: 'product_updated',
            actor: { type: 'system', id: null, name: 'Long transaction', email: null },
            target: { type: 'product', id: lanes[0]!.productId, label: 'held open' },
            parents: [],
            changes: [{ field: 'name', before: null, after: `${tag} held open` }],
          });
          heldFrom = Date.now();
          await new Promise((r) => setTimeout(r, 10_000));
          heldUntil = Date.now();
        }),
      );
      // Stop the load soon after the commit (the lanes stop at `total`: cut it short).
      const stopAt = done() + 200;
      while (done() < stopAt) await new Promise((r) => setTimeout(r, 20));
      stop();
    });
    await allSealed(tenants.map((t) => t.accountId));
    // While it was open, the others' entries were sealed as usual: seal delay (sealed_at − recorded) of
    // the entries recorded in that window, in every account, the holder's included.
    const [during] = await query<{ n: number; p50: number; p99: number; max: number }>(
      `SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
         FROM (SELECT (EXTRACT(EPOCH FROM sealed_at - occurred_at) * 1000)::float8 AS ms FROM audit_entries
                WHERE account_id = ANY($1) AND occurred_at > $2 AND occurred_at < $3 AND actor_type <> 'system') d`,
      [tenants.map((t) => t.accountId), new Date(heldFrom + 1000), new Date(heldUntil - 500)],
    );
    const [held] = await query<{ seq: number; sealed_ms: number }>(
      `SELECT seq::int, (EXTRACT(EPOCH FROM sealed_at) * 1000)::float8 AS sealed_ms FROM audit_entries
        WHERE account_id = $1 AND actor_name = 'Long transaction'`,
      [holder.accountId],
    );
    // Everything else: one entry per 2xx, gap-free, chains verify (the held entry counts as one more).
    before.set(holder.accountId, before.get(holder.accountId)! + 1);
    const entries = await verify(tag, tenants, lanes, before);
    report(
      `transaction held open 10 s under load: ${during!.n} entries recorded meanwhile sealed with delay p50 ${Math.round(during!.p50)} ms, ` +
        `p99 ${Math.round(during!.p99)} ms, max ${Math.round(during!.max)} ms; the held entry sealed ${Math.round(held!.sealed_ms - heldUntil)} ms after its commit as #${held!.seq}; ` +
        `${entries} load entries, seq gap-free, chains ok`,
    );
    expect(during!.n).toBeGreaterThan(100);
    expect(during!.max).toBeLessThan(2000);
    expect(held!.sealed_ms).toBeGreaterThanOrEqual(heldUntil - 50);
    expect(run.outcomes.every(is2xx)).toBe(true);
  }, 180_000);

  it('keeps audited mutations and reads working with Redis stopped; exports answer 503, create nothing, and work again when Redis returns', async () => {
    const app = apps[0]!;
    const worker = await startWorker(settings());
    workers.push(worker);
    const api = new ApiClient(app.url);
    await api.signup();
    const vendor = new VendorFixtures(api);
    const product = await vendor.product();
    const accountId = api.session!.account.id;
    const exportRows = async () =>
      (await query<{ n: number }>('SELECT count(*)::int AS n FROM audit_exports WHERE account_id = $1', [accountId]))[0]!.n;

    await redis!.down();
    const mutations: number[] = [];
    for (let i = 0; i < 20; i++) mutations.push((await api.patch(`/api/v1/products/${product.id}`, { name: `No Redis ${i}` })).status);
    const created = await api.post('/api/v1/products', { name: 'Made without Redis', code: `nr-${randomUUID().slice(0, 8)}` });
    const reads = [
      (await api.get('/api/v1/audit-log?limit=50')).status,
      (await api.get(`/api/v1/products/${product.id}`)).status,
      (await api.get(`/api/v1/products/${product.id}/audit-log`)).status,
      (await api.get('/api/v1/audit-log/integrity')).status,
      (await api.get('/api/v1/audit-log/exports')).status,
    ];
    const exportsDown = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const res = await api.post('/api/v1/audit-log/exports', { format: 'ndjson', filter: {} });
      exportsDown.push({ status: res.status, message: String(res.body.message), ms: Date.now() - t0 });
    }
    expect(mutations.every((s) => s === 200)).toBe(true);
    expect(created.status).toBe(201);
    expect(reads).toEqual([200, 200, 200, 200, 200]);
    for (const e of exportsDown) {
      expect(e.status).toBe(503);
      expect(e.message).toMatch(/Redis/);
    }
    expect(await exportRows()).toBe(0);
    expect((await api.get('/api/v1/audit-log/exports')).body.items).toEqual([]);
    const history = await vendor.history('products', product.id, '?limit=100');
    expect(history.items.filter((e) => e.action === 'product_updated')).toHaveLength(20);

    // Redis comes back (empty): exports work again, nothing restarted.
    const back = Date.now();
    await redis!.up();
    let res = await api.post('/api/v1/audit-log/exports', { format: 'ndjson', filter: {} });
    let tries = 1;
    while (res.status === 503 && Date.now() - back < 20_000) {
      await new Promise((r) => setTimeout(r, 250));
      res = await api.post('/api/v1/audit-log/exports', { format: 'ndjson', filter: {} });
      tries++;
    }
    const acceptedAfter = Date.now() - back;
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;
    let status: AuditExport | undefined;
    for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      status = (await api.get<AuditExport>(`/api/v1/audit-log/exports/${id}`)).body;
      if (status.status === 'completed' || status.status === 'failed') break;
    }
    expect(status?.status).toBe('completed');
    expect(status?.rowsWritten).toBe((await api.get('/api/v1/audit-log/integrity')).body.headSeq);

    // Nothing half-created: one export row, one job, and the integrity still holds.
    expect(await exportRows()).toBe(1);
    const queue = new Queue(QUEUES.auditExports, { connection: bullConnection(app.env), prefix: 'kl-faults' });
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'paused');
      const jobs = Object.values(counts).reduce((s, n) => s + n, 0);
      expect(jobs).toBe(1);
    } finally {
      await queue.close();
    }
    expect((await api.get('/api/v1/audit-log/integrity')).body.ok).toBe(true);
    report(
      `Redis stopped: ${mutations.length + 1} audited mutations → all 2xx, ${reads.length} reads → all 200, ` +
        `${exportsDown.length} export requests → 503 in ${Math.max(...exportsDown.map((e) => e.ms))} ms at most, 0 export rows; ` +
        `Redis back: export accepted ${acceptedAfter} ms later (${tries} tries) and completed with ${status?.rowsWritten} rows, 1 row, 1 job`,
    );
  }, 120_000);
});
