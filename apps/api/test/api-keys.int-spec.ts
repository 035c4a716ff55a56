/**
 * Management API keys: created by an admin with some permissions, the secret shown once and kept only
 * as its SHA-256; `Authorization: Bearer` works with the key's permissions and no CSRF token, entries
 * name the key as their actor, revoked and unknown keys get 401, and a key never reaches another account.
 */
import { createHash } from 'node:crypto';
import { type ApiKey, type ApiKeyCreated, type AuditEntry, type Product } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { expectOk, VendorFixtures } from './support/vendor';

let t: TestApp;
let admin: ApiClient;
let otherAdmin: ApiClient;

/** A client that sends only the bearer key: no cookie, no CSRF token. */
function withKey(secret: string) {
  const client = new ApiClient(t.url);
  const request = client.request.bind(client);
  client.request = (method, path, body, headers = {}) => request(method, path, body, { authorization: `Bearer ${secret}`, ...headers });
  return client;
}

async function createKey(api: ApiClient, name: string, permissions: string[]) {
  return expectOk<ApiKeyCreated>(api.post('/api/v1/api-keys', { name, permissions }), [201]);
}

beforeAll(async () => {
  t = await startApp();
  admin = new ApiClient(t.url);
  await admin.signup();
  otherAdmin = new ApiClient(t.url);
  await otherAdmin.signup();
}, 30_000);
afterAll(() => t.close());

describe('API keys', () => {
  it('shows the secret once and stores only its SHA-256', async () => {
    const key = await createKey(admin, 'CI pipeline', ['products:read']);
    expect(key.secret).toMatch(/^kl_live_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'CI pipeline', permissions: ['products:read'], revokedAt: null, hint: `kl_live_…${key.secret.slice(-4)}` });
    expect(key.createdBy.name).toBe(admin.session!.user.name);

    const list = await expectOk<{ items: ApiKey[] }>(admin.get('/api/v1/api-keys'));
    const listed = list.items.find((k) => k.id === key.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(list)).not.toContain(key.secret);

    const db = await connectDb();
    try {
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = $1', [key.id]);
      expect(rows.rows[0]!.token_hash).toBe(createHash('sha256').update(key.secret).digest('hex'));
      expect(JSON.stringify(rows.rows)).not.toContain(key.secret);
    } finally {
      await db.end();
    }
  });

  it('authenticates with the bearer key, without CSRF, and entries name the key as the actor', async () => {
    const key = await createKey(admin, 'Shop sync', ['products:write', 'audit_log:read']);
    const bot = withKey(key.secret);
    const product = await expectOk<Product>(bot.post('/api/v1/products', { name: 'Made by a key', code: `key-${Date.now()}` }), [201]);

    const page = await expectOk<{ items: AuditEntry[] }>(bot.get(`/api/v1/audit-log?itemType=product&itemId=${product.id}`));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'product_created',
      actor: { type: 'api_key', id: key.id, name: 'Shop sync', email: null },
      context: expect.objectContaining({ source: 'api' }),
    });
    // The admin sees the same entry in the account's log.
    const seen = await expectOk<{ items: AuditEntry[] }>(admin.get('/api/v1/audit-log?limit=1'));
    expect(seen.items[0]!.actor).toEqual({ type: 'api_key', id: key.id, name: 'Shop sync', email: null });
    // Searching by the key's name finds it.
    const found = await expectOk<{ items: AuditEntry[] }>(bot.get(`/api/v1/audit-log?text=${encodeURIComponent('Shop sync')}`));
    expect(found.items.map((e) => e.id)).toContain(page.items[0]!.id);
  });

  it("answers 403 where the key lacks the route's permission, and writes nothing but the refusals", async () => {
    const key = await createKey(admin, 'Read-only products', ['products:read']);
    const bot = withKey(key.secret);
    expect((await bot.get('/api/v1/products')).status).toBe(200);
    const read = await bot.get('/api/v1/audit-log');
    expect({ status: read.status, message: read.body.message }).toEqual({ status: 403, message: expect.stringContaining('audit_log:read') });
    const before = (await new VendorFixtures(admin).latestEntry()).seq;
    expect((await bot.post('/api/v1/products', { name: 'Nope', code: `nope-${Date.now()}` })).status).toBe(403);
    expect((await bot.post('/api/v1/api-keys', { name: 'Escalate', permissions: ['settings:api_keys'] })).status).toBe(403);
    // Only the two refused mutations are recorded (permission_denied, by the key); the refused read is not.
    const after = await expectOk<{ items: AuditEntry[] }>(admin.get('/api/v1/audit-log?limit=10'));
    const written = after.items.filter((e) => e.seq > before);
    expect(written.map((e) => [e.action, e.actor.id, e.changes.find((c) => c.field === 'permission')?.after])).toEqual([
      ['permission_denied', key.id, 'settings:api_keys'],
      ['permission_denied', key.id, 'products:write'],
    ]);
  });

  it('lets no one give a key permissions they do not hold', async () => {
    const template = await expectOk<{ id: string }>(
      admin.post('/api/v1/permission-templates', { name: 'Key managers', permissions: ['settings:api_keys', 'products:read'] }),
    );
    const email = uniqueEmail('keys');
    await expectOk(admin.post('/api/v1/platform-users', { email, name: 'Keys', password: 'keys-password-1', permissionTemplateId: template.id }));
    const manager = new ApiClient(t.url);
    await expectOk(manager.post('/api/v1/auth/login', { email, password: 'keys-password-1' }));
    await createKey(manager, 'Allowed', ['products:read']);
    const res = await manager.post('/api/v1/api-keys', { name: 'Too much', permissions: ['products:read', 'audit_log:export'] });
    expect({ status: res.status, message: res.body.message }).toEqual({ status: 403, message: expect.stringContaining('audit_log:export') });
  });

  it('refuses revoked, unknown and malformed keys with 401', async () => {
    const key = await createKey(admin, 'Short-lived', ['products:read']);
    const bot = withKey(key.secret);
    expect((await bot.get('/api/v1/products')).status).toBe(200);
    expect((await admin.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(204);
    const revoked = await bot.get('/api/v1/products');
    expect({ status: revoked.status, message: revoked.body.message }).toEqual({ status: 401, message: expect.stringMatching(/revoked/) });
    expect((await admin.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(409);
    const listed = await expectOk<{ items: ApiKey[] }>(admin.get('/api/v1/api-keys'));
    expect(listed.items.find((k) => k.id === key.id)!.revokedAt).toEqual(expect.any(String));

    for (const header of [`Bearer ${key.secret.slice(0, -1)}x`, 'Bearer kl_live_nope', 'Bearer ', 'Basic abc', `bearer ${'a'.repeat(5000)}`]) {
      const res = await new ApiClient(t.url).request('GET', '/api/v1/products', undefined, { authorization: header });
      expect({ header: header.slice(0, 20), status: res.status }).toEqual({ header: header.slice(0, 20), status: 401 });
    }
  });

  it("keeps a key inside its account: other accounts' items and keys are 404, their lists and log invisible", async () => {
    const theirs = new VendorFixtures(otherAdmin);
    const theirProduct = await theirs.product();
    const theirKey = await createKey(otherAdmin, 'Theirs', ['products:read']);

    const key = await createKey(admin, 'Mine', ['products:read', 'products:write', 'audit_log:read', 'settings:api_keys']);
    const bot = withKey(key.secret);
    expect((await bot.get(`/api/v1/products/${theirProduct.id}`)).status).toBe(404);
    expect((await bot.patch(`/api/v1/products/${theirProduct.id}`, { name: 'Stolen' })).status).toBe(404);
    // A key never manages keys (its own account's or another's): 403 before any lookup.
    expect((await bot.delete(`/api/v1/api-keys/${theirKey.id}`)).status).toBe(403);
    expect((await admin.delete(`/api/v1/api-keys/${theirKey.id}`)).status).toBe(404);
    const products = await expectOk<{ items: Product[] }>(bot.get('/api/v1/products?limit=200'));
    expect(products.items.map((p) => p.id)).not.toContain(theirProduct.id);
    const keys = await expectOk<{ items: ApiKey[] }>(bot.get('/api/v1/api-keys?limit=200'));
    expect(keys.items.map((k) => k.id)).not.toContain(theirKey.id);
    const log = await expectOk<{ items: AuditEntry[] }>(bot.get(`/api/v1/audit-log?itemType=product&itemId=${theirProduct.id}`));
    expect(log.items).toEqual([]);
    // Their key still works for them, and only for them.
    expect((await withKey(theirKey.secret).get(`/api/v1/products/${theirProduct.id}`)).status).toBe(200);
  });
});
