/**
 * Idempotency-Key on the Management API's POSTs, over HTTP on two API processes sharing PostgreSQL and
 * Redis: a retry with the same key and body replays the first answer (the action and its audit entry
 * happen once), another body answers 422, concurrent duplicates on both processes run once, keys belong
 * to one account and one credential, failed requests are not kept.
 */
import { randomUUID } from 'node:crypto';
import { type ApiKeyCreated, type AuditEntry, type Product } from '@keyledger/contract';
import { type Client } from 'pg';
import { startApp, type TestApp } from './support/app';
import { ApiClient, type Res } from './support/client';
import { connectDb } from './support/db';
import { expectOk } from './support/vendor';

let one: TestApp;
let two: TestApp;
let admin: ApiClient;
let db: Client;
let secret: string;
let keyId: string;
let accountId: string;
let otherSecret: string;

/** A client of `app` that signs with the API key only (no cookie, no CSRF token). */
function keyClient(app: TestApp, key: string) {
  const client = new ApiClient(app.url);
  const request = client.request.bind(client);
  client.request = (method, path, body, headers = {}) =>
    request(method, path, body, { authorization: `Bearer ${key}`, ...headers });
  return client;
}

const post = (client: ApiClient, path: string, body: unknown, key?: string) =>
  client.request<any>('POST', path, body, key === undefined ? {} : { 'idempotency-key': key });

async function productsWithCode(code: string): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM products WHERE code = $1', [
    code,
  ]);
  return rows[0].n as number;
}

async function entries(action: string, itemId: string): Promise<AuditEntry[]> {
  const page = await expectOk<{ items: AuditEntry[] }>(
    admin.get(`/api/v1/audit-log?action=${action}&itemType=product&itemId=${itemId}`),
  );
  return page.items;
}

const productBody = () => {
  const tag = randomUUID().slice(0, 8);
  return { name: `Retry ${tag}`, code: `retry-${tag}`, features: ['a', 'b'] };
};

beforeAll(async () => {
  [one, two] = await Promise.all([startApp(), startApp()]);
  db = await connectDb();
  admin = new ApiClient(one.url);
  await admin.signup();
  const perms = ['products:read', 'products:write', 'audit_log:read', 'audit_log:export'];
  const created = await expectOk<ApiKeyCreated>(
    admin.post('/api/v1/api-keys', { name: 'retrying script', permissions: perms }),
    [201],
  );
  secret = created.secret;
  keyId = created.id;
  accountId = admin.session!.account.id;
  otherSecret = (
    await expectOk<ApiKeyCreated>(
      admin.post('/api/v1/api-keys', { name: 'another script', permissions: perms }),
      [201],
    )
  ).secret;
}, 60_000);
afterAll(async () => {
  await db.end();
  await Promise.all([one.close(), two.close()]);
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body, on the other process too: one product, one entry', async () => {
    const key = randomUUID();
    const body = productBody();
    const first = await post(keyClient(one, secret), '/api/v1/products', body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same body with its keys in another order is the same request.
    const reordered = { features: body.features, code: body.code, name: body.name };
    for (const app of [one, two]) {
      const again = await post(keyClient(app, secret), '/api/v1/products', reordered, key);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    expect(await productsWithCode(body.code)).toBe(1);
    expect(await entries('product_created', first.body.id)).toHaveLength(1);
  });

  it('without a key, a retry is not recognised: it acts again (here refused as a duplicate code)', async () => {
    const body = { ...productBody(), features: [] };
    const a = await post(keyClient(one, secret), '/api/v1/products', body);
    expect(a.status).toBe(201);
    const b = await post(keyClient(one, secret), '/api/v1/products', body);
    // Product codes are unique: the retry is refused as a duplicate instead of returning the first.
    expect(b.status).toBe(409);
  });

  it('answers 422 for the same key with another body or path, and acts on neither', async () => {
    const key = randomUUID();
    const body = productBody();
    expect((await post(keyClient(one, secret), '/api/v1/products', body, key)).status).toBe(201);
    const other = productBody();
    const changed = await post(keyClient(two, secret), '/api/v1/products', other, key);
    expect(changed.status).toBe(422);
    expect(changed.body.message).toMatch(
      /Idempotency-Key was already used with a different request/,
    );
    expect(changed.body.details).toEqual([
      { path: 'headers.idempotency-key', message: 'already used with a different request' },
    ]);
    expect(await productsWithCode(other.code)).toBe(0);
    const elsewhere = await post(
      keyClient(one, secret),
      '/api/v1/customers',
      { email: `x-${randomUUID().slice(0, 6)}@buyer.test` },
      key,
    );
    expect(elsewhere.status).toBe(403); // the key lacks customers:write: refused before the key is looked at
    const exportWithKey = await post(
      keyClient(one, secret),
      '/api/v1/audit-log/exports',
      { format: 'csv', filter: {} },
      key,
    );
    expect(exportWithKey.status).toBe(422);
  });

  it('runs concurrent duplicates on two processes once: the others wait and replay it', async () => {
    const key = randomUUID();
    const body = productBody();
    const clients = [one, two, one, two, one, two, one, two].map((app) => keyClient(app, secret));
    const answers: Res<any>[] = await Promise.all(
      clients.map((c) => post(c, '/api/v1/products', body, key)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
    expect(await productsWithCode(body.code)).toBe(1);
    expect(await entries('product_created', [...ids][0]!)).toHaveLength(1);
  });

  it('keeps keys per credential and per account', async () => {
    const key = randomUUID();
    const byKey = await post(keyClient(one, secret), '/api/v1/products', productBody(), key);
    const byOtherKey = await post(
      keyClient(two, otherSecret),
      '/api/v1/products',
      productBody(),
      key,
    );
    const bySession = await post(admin, '/api/v1/products', productBody(), key);
    const stranger = new ApiClient(two.url);
    await stranger.signup();
    const byOtherAccount = await post(stranger, '/api/v1/products', productBody(), key);
    for (const res of [byKey, byOtherKey, bySession, byOtherAccount]) {
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
    }
    expect(new Set([byKey, byOtherKey, bySession, byOtherAccount].map((r) => r.body.id)).size).toBe(
      4,
    );
    const { rows } = await db.query(
      'SELECT account_id, credential FROM idempotency_keys WHERE key = $1 ORDER BY credential',
      [key],
    );
    expect(rows).toHaveLength(4);
  });

  it('replays a state change once: one archive entry however many retries', async () => {
    const product = await expectOk<Product>(post(admin, '/api/v1/products', productBody()), [201]);
    const key = randomUUID();
    const answers = await Promise.all(
      [one, two, one].map((app) =>
        post(keyClient(app, secret), `/api/v1/products/${product.id}/archive`, undefined, key),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.every((a) => a.body.archived === true)).toBe(true);
    expect(await entries('product_archived', product.id)).toHaveLength(1);
  });

  it('does not keep a failed request: the corrected retry with the same key acts', async () => {
    const key = randomUUID();
    const body = productBody();
    const bad = await post(
      keyClient(one, secret),
      '/api/v1/products',
      { ...body, code: 'not a code!' },
      key,
    );
    expect(bad.status).toBe(400);
    const good = await post(keyClient(two, secret), '/api/v1/products', body, key);
    expect(good.status).toBe(201);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
    const { rows } = await db.query('SELECT status_code FROM idempotency_keys WHERE key = $1', [
      key,
    ]);
    expect(rows).toEqual([{ status_code: 201 }]);
  });

  it('makes export requests (202) safe to retry: one export, one request entry', async () => {
    const key = randomUUID();
    const body = { format: 'ndjson', filter: { action: ['product_created'] } };
    const first = await post(keyClient(one, secret), '/api/v1/audit-log/exports', body, key);
    expect(first.status).toBe(202);
    const again = await post(keyClient(two, secret), '/api/v1/audit-log/exports', body, key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_exports WHERE id = $1', [
      first.body.id,
    ]);
    expect(rows[0].n).toBe(1);
    const requested = await expectOk<{ items: AuditEntry[] }>(
      admin.get(
        `/api/v1/audit-log?action=audit_log_export_requested&itemType=audit_export&itemId=${first.body.id}`,
      ),
    );
    expect(requested.items).toHaveLength(1);
  });

  it('refuses a malformed key with 400 naming the header, and writes nothing', async () => {
    const body = productBody();
    for (const key of ['', 'x'.repeat(256), 'has space']) {
      const res = await post(keyClient(one, secret), '/api/v1/products', body, key);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([
        { path: 'headers.idempotency-key', message: expect.stringMatching(/visible ASCII/) },
      ]);
    }
    expect(await productsWithCode(body.code)).toBe(0);
  });

  it('is not taken by API key creation, whose answer holds the secret: nothing of it is stored', async () => {
    const key = randomUUID();
    const body = { name: 'never stored', permissions: ['products:read'] };
    const a = await post(admin, '/api/v1/api-keys', body, key);
    const b = await post(admin, '/api/v1/api-keys', body, key);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1',
      [key],
    );
    expect(rows[0].n).toBe(0);
  });

  describe('while another transaction holds the key', () => {
    let holder: Client;
    const hold = async (key: string) => {
      holder = await connectDb();
      await holder.query('BEGIN');
      await holder.query(
        `INSERT INTO idempotency_keys (account_id, credential, key, request_hash) VALUES ($1, $2, $3, 'other')`,
        [accountId, `api_key:${keyId}`, key],
      );
    };
    /** Until the request's INSERT waits on the held row (PostgreSQL says so in pg_stat_activity). */
    const waitingOnLock = async () => {
      for (;;) {
        const { rows } = await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO idempotency_keys%'`,
        );
        if (rows.length) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    afterEach(async () => {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    });

    it('waits for it, and acts itself when that one rolls back', async () => {
      const key = randomUUID();
      const body = productBody();
      await hold(key);
      const pending = post(keyClient(two, secret), '/api/v1/products', body, key);
      await waitingOnLock();
      expect(await productsWithCode(body.code)).toBe(0);
      await holder.query('ROLLBACK');
      const res = await pending;
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBeNull();
      expect(await productsWithCode(body.code)).toBe(1);
    });

    it('answers 409 when the first does not finish within the wait, and writes nothing', async () => {
      const key = randomUUID();
      const body = productBody();
      await hold(key);
      const res = await post(keyClient(one, secret), '/api/v1/products', body, key);
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/still in progress/);
      expect(await productsWithCode(body.code)).toBe(0);
    }, 30_000);
  });

  it('forgets a key after 24 hours', async () => {
    const key = randomUUID();
    const body = productBody();
    const first = await post(keyClient(one, secret), '/api/v1/products', body, key);
    expect(first.status).toBe(201);
    await db.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`,
      [key],
    );
    const later = await post(keyClient(one, secret), '/api/v1/products', body, key);
    // Not replayed: it acts again, and the duplicate code is refused.
    expect(later.status).toBe(409);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });
});
