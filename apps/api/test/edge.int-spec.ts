/**
 * The edge, case by case (the fuzzer in fuzz.int-spec.ts tries them at random): text PostgreSQL
 * cannot store, forged cursors, dates out of range and export filters are refused with a 400 naming
 * the field before anything is written or queued; attempts to slip past the checks are refused too.
 * Written with the contract-typed client (support/typed-client.ts).
 */
import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { connectDb } from './support/db';
import { accountStateReader, type AccountState } from './support/account-state';
import { typedClient, type TypedClient } from './support/typed-client';

let t: TestApp;
let db: Client;
let admin: ApiClient;
let api: TypedClient;
let state: () => Promise<AccountState>;
let productId: string;

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

beforeAll(async () => {
  t = await startApp();
  db = await connectDb();
  admin = new ApiClient(t.url);
  const session = await admin.signup();
  api = typedClient(admin);
  const product = await api.products.create({ body: { name: 'Edge', code: `edge-${randomUUID().slice(0, 8)}` } });
  if (product.status !== 201) throw new Error(JSON.stringify(product.body));
  productId = product.body.id;
  state = await accountStateReader(db, session.account.id);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await t?.close();
});

/** The answer must be a 400 whose details name `field`, and the account must be unchanged. */
async function refused(call: () => Promise<{ status: number; body: unknown }>, field: string, message?: RegExp) {
  const before = await state();
  const res = await call();
  expect(res.status).toBe(400);
  const body = res.body as { message: string; details?: Array<{ path: string; message: string }>; requestId: string };
  expect(body.requestId).toEqual(expect.any(String));
  expect(body.details?.map((d) => d.path)).toContain(field);
  if (message) expect(body.message).toMatch(message);
  expect(await state()).toEqual(before);
}

describe('text PostgreSQL cannot store', () => {
  it('refuses a NUL in a body field, naming it', async () => {
    await refused(() => api.products.create({ body: { name: 'a\u0000b', code: 'nul' } }), 'body.name', /NUL/);
  });

  it('refuses a lone surrogate in a name, and takes a proper surrogate pair', async () => {
    await refused(() => api.customers.create({ body: { email: 'lone@buyer.test', firstName: 'Ann\ud800' } }), 'body.firstName', /surrogate/);
    const ok = await api.customers.create({ body: { email: `pair-${randomUUID().slice(0, 6)}@buyer.test`, firstName: 'Ann 😀' } });
    expect(ok.status).toBe(201);
  });

  it('refuses a NUL in a query, a search string, a path parameter and a field name', async () => {
    await refused(() => api.products.list({ query: { search: 'x\u0000' } as never }), 'query.search');
    await refused(() => api.auditLog.list({ query: { q: 'refund\u0000' } }), 'query.q');
    await refused(() => admin.request('GET', `/api/v1/products/${productId}%00`), 'params.id');
    await refused(() => admin.request('POST', '/api/v1/products', '{"name":"x","code":"y","\\u0000":1}'), 'body.\\u0000');
  });

  it('takes %2500 as the three characters "%00", not as a NUL', async () => {
    const res = await admin.get(`/api/v1/audit-log?text=%2500`);
    expect(res.status).toBe(200);
  });

  it('answers malformed UTF-8 in a query or a body below 500 (decoded as U+FFFD or kept as text)', async () => {
    for (const q of ['%ED%A0%80', '%FF', '%', '%C0%80']) {
      const res = await admin.get(`/api/v1/audit-log?text=${q}`);
      expect([q, res.status < 500, typeof res.body === 'object']).toEqual([q, true, true]);
    }
    const raw = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0x80]), Buffer.from('","code":"utf8-bad"}')]);
    const res = await fetch(`${t.url}/api/v1/products`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': admin.cookies.get('kl_csrf')!,
      },
      body: raw,
    });
    expect(res.status).toBeLessThan(500);
  });

  it('refuses a NUL in a header with the shared error body (Node refuses it before the app)', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(t.url).port), '127.0.0.1', () => {
        socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nUser-Agent: a\u0000b\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1.1 400/);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { statusCode: number; requestId: string };
    expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request', requestId: expect.any(String) });
  });

  it('refuses text over 20,000 characters before any pattern runs on it', async () => {
    await refused(() => api.customers.create({ body: { email: `${'a'.repeat(100_000)}@buyer.test` } }), 'body.email', /characters long/);
  });

  it('refuses JSON nested deeper than 32 levels before parsing it', async () => {
    await refused(() => admin.request('POST', '/api/v1/products', '['.repeat(10_000) + ']'.repeat(10_000)), 'body', /nests deeper/);
  });
});

describe('forged cursors', () => {
  it.each([
    ['t="1"', b64({ t: '1', id: randomUUID() })],
    ['t of year 0', b64({ t: '0000-01-01T00:00:00.000Z', id: randomUUID() })],
    ['t a date without time', b64({ t: '2026-01-01', id: randomUUID() })],
    ['a huge id', b64({ t: '2026-01-01T00:00:00.000Z', id: 'f'.repeat(36) })],
    ['an extra key', b64({ t: '2026-01-01T00:00:00.000Z', id: randomUUID(), s: 1 })],
    ['a truncated cursor', b64({ t: '2026-01-01T00:00:00.000Z', id: randomUUID() }).slice(0, 30)],
  ])('refuses %s on an item list', async (_, cursor) => {
    await refused(() => api.products.list({ query: { cursor } }), 'query.cursor');
  });

  it.each([
    ['s=0', b64({ s: 0 })],
    ['s=-1', b64({ s: -1 })],
    ['s past 2^53', b64({ s: 2 ** 53 + 2 })],
    ['s as a string', b64({ s: '5' })],
    ['an item-list cursor', b64({ t: '2026-01-01T00:00:00.000Z', id: randomUUID() })],
  ])('refuses %s on the audit log and the checkpoints', async (_, cursor) => {
    await refused(() => api.auditLog.list({ query: { cursor } }), 'query.cursor');
    await refused(() => api.auditIntegrity.checkpoints({ query: { cursor } }), 'query.cursor');
  });

  it('takes the cursor a list returned', async () => {
    const first = await api.auditLog.list({ query: { limit: 1 } });
    expect(first.status).toBe(200);
    if (first.status !== 200 || !first.body.nextCursor) return;
    expect((await api.auditLog.list({ query: { limit: 1, cursor: first.body.nextCursor } })).status).toBe(200);
  });
});

describe('dates', () => {
  it.each([
    ['from', { from: '0000-01-01' }],
    ['from', { from: '1969-12-31' }],
    ['to', { to: '10000-01-01' }],
    ['from', { from: '2026-01-01T00:00:00+25:00' }],
    ['to', { to: '2026-01-01T00:00:00-14:61' }],
    ['from', { from: '2026-02-30' }],
  ])('refuses %s out of range in the list filter: %j', async (field, query) => {
    await refused(() => api.auditLog.list({ query }), `query.${field}`, /1970-01-01 and 9999-12-31/);
  });

  it.each(['created:>9999-12-31', 'created:<0000-01-01', 'created:>=2026-01-01T00:00+14:30'])('refuses %s in a search', async (q) => {
    await refused(() => api.auditLog.list({ query: { q } }), `query.q (${q})`);
  });

  it('takes the last day PostgreSQL and the calendar allow', async () => {
    expect((await api.auditLog.list({ query: { q: 'created:<=9999-12-31', from: '1970-01-01' } })).status).toBe(200);
  });

  it('refuses a date-time body field out of range (a license valid until year 0)', async () => {
    const res = await api.licenses.create({
      body: { orderId: randomUUID(), productId, type: 'time_limited', maxActivations: 1, validUntil: '0000-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect((res.body as { details: Array<{ path: string }> }).details.map((d) => d.path)).toContain('body.validUntil');
  });
});

describe('export filters, checked as strictly as list filters before anything is queued', () => {
  const exportsCount = async () => Number((await db.query('SELECT count(*) FROM audit_exports')).rows[0].count);

  it.each([
    ['body.filter.to', { from: '2026-03-01', to: '2026-02-01' }],
    ['body.filter.from', { from: '0000-01-01' }],
    ['body.filter.q (created:>9999-12-31)', { q: 'created:>9999-12-31' }],
    ['body.filter.q (action:*********Z)', { q: 'action:*********Z' }],
  ])('refuses a filter that fails on %s with 400, not 202', async (field, filter) => {
    const before = await exportsCount();
    await refused(() => api.auditExports.create({ body: { format: 'csv', filter } }), field);
    expect(await exportsCount()).toBe(before);
  });

  it('answers the exports list at once after an export with a wildcard filter', async () => {
    const created = await api.auditExports.create({ body: { format: 'csv', filter: { q: `action:${'*'.repeat(200)}_created` } } });
    expect(created.status).toBe(202);
    const cpu0 = process.cpuUsage();
    const list = await api.auditExports.list({ query: { limit: 200 } });
    const cpu = process.cpuUsage(cpu0);
    expect(list.status).toBe(200);
    if (list.status === 200) expect(list.body.items[0]?.filterDescription).toMatch(/actions/);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(1000);
  });
});
