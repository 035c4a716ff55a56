/**
 * When no database connection can be had — every pooled connection busy past DATABASE_POOL_WAIT_MS, or
 * PostgreSQL not reachable — a request is answered 503 with Retry-After and a message naming the
 * database, and nothing is written: the failure happens before the request's first statement. (An error
 * after a statement was sent stays a 500: its outcome is the transaction's, see audit-write-path.)
 */
import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { type Client } from 'pg';
import { requestCommitted, startProgress } from '../src/common/request-context';
import { isNoConnectionError, pgDriver } from '../src/database/pg-driver';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { connectDb } from './support/db';
import { TcpProxy } from './support/tcp-proxy';
import { readRunState } from './support/test-db';
import { VendorFixtures } from './support/vendor';

describe('database unavailable', () => {
  let db: Client;
  beforeAll(async () => {
    db = await connectDb();
  });
  afterAll(() => db.end());

  const countEntries = async (accountId: string) =>
    Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_entries WHERE account_id = $1', [accountId])).rows[0]!.n);
  const productName = async (id: string) =>
    (await db.query<{ name: string }>('SELECT name FROM products WHERE id = $1', [id])).rows[0]!.name;

  /** `noConnection`: no connection was had at all, so the answer may say nothing was changed. */
  function expectUnavailable(res: { status: number; body: unknown; headers: Headers }, noConnection = true) {
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', requestId: expect.any(String) });
    const message = (res.body as { message: string }).message;
    if (noConnection) expect(message).toMatch(/^The database is busy or unreachable: .*Nothing was changed/);
    else expect(message).toMatch(/^The database (is busy or unreachable|connection was lost)/);
    // Retry-After only with "nothing was changed": a retry is then safe.
    expect(res.headers.get('retry-after')).toBe(/Nothing was changed/.test(message) ? '1' : null);
  }

  describe('every pooled connection busy past DATABASE_POOL_WAIT_MS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ DATABASE_POOL_MAX: '1', DATABASE_READ_POOL_MAX: '1', DATABASE_POOL_WAIT_MS: '300' });
    });
    afterAll(() => t.close());

    it('503 with Retry-After for the request that found none; the one holding it completes; nothing else written', async () => {
      const api = new ApiClient(t.url);
      const { account } = await api.signup();
      const product = await new VendorFixtures(api).product();
      const entriesBefore = await countEntries(account.id);

      // The account's audit head is held by another session: the first write takes the pool's only
      // connection and waits on it; the second finds no connection within 300 ms.
      const holder = await connectDb();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM audit_heads WHERE account_id = $1 FOR UPDATE', [account.id]);
        const first = api.patch(`/api/v1/products/${product.id}`, { name: 'First writer' });
        await new Promise((r) => setTimeout(r, 200));
        const started = Date.now();
        const second = await api.patch(`/api/v1/products/${product.id}`, { name: 'Second writer' });
        const waited = Date.now() - started;
        expectUnavailable(second);
        expect(waited).toBeGreaterThanOrEqual(250);
        expect(waited).toBeLessThan(5000);
        await holder.query('COMMIT');
        expect((await first).status).toBe(200);
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      expect(await productName(product.id)).toBe('First writer');
      expect(await countEntries(account.id)).toBe(entriesBefore + 1);
      // And the next request, with the connection free again, goes through.
      expect((await api.patch(`/api/v1/products/${product.id}`, { name: 'Third writer' })).status).toBe(200);
      expect(await countEntries(account.id)).toBe(entriesBefore + 2);
    });
  });

  it("the pool marks what fails before a connection is had — a closed port, a wait that ran out — and not a statement's error", async () => {
    const url = new URL(readRunState().databaseUrl);
    const marked = async (work: () => Promise<unknown>) => {
      const err = await work().then(() => null, (e: unknown) => e);
      expect(err).not.toBeNull();
      return isNoConnectionError(err);
    };
    const closed = new pgDriver.Pool({ connectionString: `postgres://postgres@127.0.0.1:1/${url.pathname.slice(1)}` });
    expect(await marked(() => closed.connect())).toBe(true);
    expect(await marked(() => new Promise((ok, fail) => closed.connect((err, c, release) => (err ? fail(err) : (release(), ok(c))))))).toBe(true);
    await closed.end();
    const small = new pgDriver.Pool({ connectionString: url.toString(), max: 1, connectionTimeoutMillis: 200 });
    const held = await small.connect();
    try {
      expect(await marked(() => small.connect())).toBe(true);
      expect(await marked(() => held.query('SELECT 1/0'))).toBe(false);
    } finally {
      held.release();
      await small.end();
    }
  });

  it("a committed transaction is noted in the request's progress — also from the transactional plugin's copy of the store — and a rollback or a savepoint is not", async () => {
    const t = await startApp();
    try {
      const cls = t.app.get(ClsService);
      const txHost = t.app.get(TransactionHost);
      const seen = (work: () => Promise<unknown>) =>
        cls.run(async () => {
          startProgress();
          await work().catch(() => undefined);
          return requestCommitted();
        });
      const select = () => (txHost.tx as unknown as { query(sql: string): Promise<unknown> }).query('SELECT 1');
      expect(await seen(select)).toBe(false);
      expect(await seen(() => txHost.withTransaction(select))).toBe(true);
      expect(await seen(() => txHost.withTransaction(() => Promise.reject(new Error('rolled back'))))).toBe(false);
      expect(
        await seen(() =>
          txHost.withTransaction(async () => {
            await txHost.withTransaction(select); // a nested transaction: a savepoint released
            throw new Error('the outer one rolls back');
          }),
        ),
      ).toBe(false);
    } finally {
      await t.close();
    }
  });

  it('after a commit, a request that cannot get its next connection is not told "nothing was changed" (POST …/integrity/verifications: the run row committed, Redis down, the pool busy)', async () => {
    const t = await startApp({
      DATABASE_POOL_MAX: '1',
      DATABASE_READ_POOL_MAX: '1',
      DATABASE_POOL_WAIT_MS: '500',
      REDIS_URL: 'redis://127.0.0.1:1',
      QUEUE_PREFIX: `kltest-dbdown-${randomUUID().slice(0, 8)}`,
    });
    const holder = await connectDb();
    try {
      const api = new ApiClient(t.url);
      const { account } = await api.signup();
      const product = await new VendorFixtures(api).product();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM audit_heads WHERE account_id = $1 FOR UPDATE', [account.id]);
      // The verification request commits its run, then waits on Redis; meanwhile a write takes the pool's
      // only connection and waits on the held head, so marking the run failed finds no connection.
      const verification = api.post('/api/v1/audit-log/integrity/verifications', {});
      await new Promise((r) => setTimeout(r, 300));
      const write = api.patch(`/api/v1/products/${product.id}`, { name: 'Holds the connection' });
      const res = await verification;
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeNull();
      expect((res.body as { message: string }).message).toMatch(/after part of it was saved/);
      expect((res.body as { message: string }).message).not.toMatch(/Nothing was changed/);
      await holder.query('COMMIT');
      expect((await write).status).toBe(200);
      // What the answer says: part of it was saved.
      const runs = await db.query('SELECT status FROM audit_integrity_runs WHERE account_id = $1', [account.id]);
      expect(runs.rows.length).toBe(1);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await t.close().catch(() => undefined);
    }
  });

  describe('PostgreSQL not reachable', () => {
    it('503 with Retry-After for reads and writes while its port is closed; nothing written; served again when it returns', async () => {
      const pg = new URL(readRunState().databaseUrl);
      const proxy = new TcpProxy(pg.hostname, Number(pg.port || 5432));
      pg.port = String(await proxy.start());
      const t = await startApp({ DATABASE_URL: pg.toString(), DATABASE_POOL_WAIT_MS: '2000', QUEUE_PREFIX: `kltest-dbdown-${randomUUID().slice(0, 8)}` });
      try {
        const api = new ApiClient(t.url);
        const { account } = await api.signup();
        const product = await new VendorFixtures(api).product();
        const entriesBefore = await countEntries(account.id);

        await proxy.stop();
        // The pool's idle connections were cut with the port: a request may meet one of them first
        // (connection lost) before the pool finds it cannot open a new one (no connection).
        expectUnavailable(await api.patch(`/api/v1/products/${product.id}`, { name: 'While down' }), false);
        expectUnavailable(await api.get(`/api/v1/products/${product.id}`), false);
        for (let i = 0; i < 3; i++) expectUnavailable(await api.get('/api/v1/audit-log?limit=5'), false);
        // Once no pooled connection is left, every request is refused for want of one.
        expectUnavailable(await api.patch(`/api/v1/products/${product.id}`, { name: 'Still down' }));
        expect(await productName(product.id)).toBe(product.name);
        expect(await countEntries(account.id)).toBe(entriesBefore);

        await proxy.start(Number(pg.port));
        const back = await api.patch(`/api/v1/products/${product.id}`, { name: 'Back up' });
        expect(back.status).toBe(200);
        expect(await countEntries(account.id)).toBe(entriesBefore + 1);
      } finally {
        await proxy.stop();
        await t.close().catch(() => undefined);
      }
    });
  });
});
