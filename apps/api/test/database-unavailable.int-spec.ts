/**
 * When no database connection can be had — every pooled connection busy past DATABASE_POOL_WAIT_MS, or
 * PostgreSQL not reachable — a request is answered 503 with Retry-After and a message naming the
 * database, and nothing is written: the failure happens before the request's first statement. (An error
 * after a statement was sent stays a 500: its outcome is the transaction's, see audit-write-path.)
 */
import { randomUUID } from 'node:crypto';
import { ClsServiceManager } from 'nestjs-cls';
import { type Client } from 'pg';
import { DataSource } from 'typeorm';
import { requestCommitted } from '../src/common/request-context';
import { dataSourceOptions } from '../src/database/data-source';
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
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', requestId: expect.any(String) });
    const message = (res.body as { message: string }).message;
    if (noConnection) expect(message).toMatch(/^The database is busy or unreachable: .*Nothing was changed/);
    else expect(message).toMatch(/^The database (is busy or unreachable|connection was lost)/);
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

  it("a committed transaction is noted in the request's context (so a later failure does not say nothing was changed); a rolled-back one and a savepoint are not", async () => {
    const source = await new DataSource(dataSourceOptions(readRunState().databaseUrl, { max: 2, waitMs: 2000 })).initialize();
    try {
      const cls = ClsServiceManager.getClsService();
      const seen = (work: () => Promise<unknown>) =>
        cls.run(async () => {
          await work().catch(() => undefined);
          return requestCommitted();
        });
      expect(await seen(() => source.query('SELECT 1'))).toBe(false);
      expect(await seen(() => source.transaction(async (em) => em.query('SELECT 1')))).toBe(true);
      expect(await seen(() => source.transaction(async () => Promise.reject(new Error('rolled back'))))).toBe(false);
      expect(
        await seen(() =>
          source.transaction(async (em) => {
            await em.transaction(async (inner) => inner.query('SELECT 1')); // a savepoint released
            throw new Error('the outer one rolls back');
          }),
        ),
      ).toBe(false);
    } finally {
      await source.destroy();
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
