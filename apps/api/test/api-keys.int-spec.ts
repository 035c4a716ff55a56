/**
 * Management API keys: created by an admin with some permissions, the secret shown once and kept only
 * as its SHA-256; `Authorization: Bearer` works with the key's permissions and no CSRF token, entries
 * name the key as their actor, revoked and unknown keys get 401, and a key never reaches another account.
 */
import { createHash } from 'node:crypto';
import { type Permission } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { VendorFixtures } from './support/vendor';
import { errorMessage, keyClient, ok, signedUpTyped, typedClient, type TypedClient } from './support/typed-client';

let t: TestApp;
let adminClient: ApiClient;
let admin: TypedClient;
let otherAdminClient: ApiClient;
let otherAdmin: TypedClient;

const withKey = (secret: string) => keyClient(t.url, secret);

async function createKey(api: TypedClient, name: string, permissions: Permission[]) {
  return ok(await api.apiKeys.create({ body: { name, permissions } }), 201);
}

beforeAll(async () => {
  t = await startApp();
  ({ client: adminClient, api: admin } = await signedUpTyped(t.url));
  ({ client: otherAdminClient, api: otherAdmin } = await signedUpTyped(t.url));
}, 30_000);
afterAll(() => t.close());

describe('API keys', () => {
  it('shows the secret once and stores only its SHA-256', async () => {
    const key = await createKey(admin, 'CI pipeline', ['products:read']);
    expect(key.secret).toMatch(/^kl_live_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'CI pipeline', permissions: ['products:read'], revokedAt: null, hint: `kl_live_…${key.secret.slice(-4)}` });
    expect(key.createdBy.name).toBe(adminClient.session!.user.name);

    const list = ok(await admin.apiKeys.list(), 200);
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
    const product = ok(await bot.products.create({ body: { name: 'Made by a key', code: `key-${Date.now()}` } }), 201);

    const page = ok(await bot.auditLog.list({ query: { itemType: 'product', itemId: product.id } }), 200);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      action: 'product_created',
      actor: { type: 'api_key', id: key.id, name: 'Shop sync', email: null },
      context: expect.objectContaining({ source: 'api' }),
    });
    // The admin sees the same entry in the account's log.
    const seen = ok(await admin.auditLog.list({ query: { limit: 1 } }), 200);
    expect(seen.items[0]!.actor).toEqual({ type: 'api_key', id: key.id, name: 'Shop sync', email: null });
    // Searching by the key's name finds it.
    const found = ok(await bot.auditLog.list({ query: { text: 'Shop sync' } }), 200);
    expect(found.items.map((e) => e.id)).toContain(page.items[0]!.id);
  });

  it("answers 403 where the key lacks the route's permission, and writes nothing but the refusals", async () => {
    const key = await createKey(admin, 'Read-only products', ['products:read']);
    const bot = withKey(key.secret);
    expect((await bot.products.list()).status).toBe(200);
    const read = await bot.auditLog.list();
    expect({ status: read.status, message: errorMessage(read) }).toEqual({ status: 403, message: expect.stringContaining('audit_log:read') });
    const before = (await new VendorFixtures(adminClient).latestEntry()).seq;
    expect((await bot.products.create({ body: { name: 'Nope', code: `nope-${Date.now()}` } })).status).toBe(403);
    expect((await bot.apiKeys.create({ body: { name: 'Escalate', permissions: ['settings:api_keys'] } })).status).toBe(403);
    // Only the two refused mutations are recorded (permission_denied, by the key); the refused read is not.
    const after = ok(await admin.auditLog.list({ query: { limit: 10 } }), 200);
    const written = after.items.filter((e) => e.seq! > before!);
    expect(written.map((e) => [e.action, e.actor.id, e.changes.find((c) => c.field === 'permission')?.after])).toEqual([
      ['permission_denied', key.id, 'settings:api_keys'],
      ['permission_denied', key.id, 'products:write'],
    ]);
  });

  it('lets no one give a key permissions they do not hold', async () => {
    const template = ok(await admin.permissionTemplates.create({ body: { name: 'Key managers', permissions: ['settings:api_keys', 'products:read'] } }), 201);
    const email = uniqueEmail('keys');
    ok(await admin.platformUsers.create({ body: { email, name: 'Keys', password: 'keys-password-1', permissionTemplateId: template.id } }), 201);
    const manager = typedClient(new ApiClient(t.url));
    ok(await manager.auth.login({ body: { email, password: 'keys-password-1' } }), 200);
    await createKey(manager, 'Allowed', ['products:read']);
    const res = await manager.apiKeys.create({ body: { name: 'Too much', permissions: ['products:read', 'audit_log:export'] } });
    expect({ status: res.status, message: errorMessage(res) }).toEqual({ status: 403, message: expect.stringContaining('audit_log:export') });
  });

  it('refuses revoked, unknown and malformed keys with 401', async () => {
    const key = await createKey(admin, 'Short-lived', ['products:read']);
    const bot = withKey(key.secret);
    expect((await bot.products.list()).status).toBe(200);
    expect((await admin.apiKeys.revoke({ params: { id: key.id } })).status).toBe(204);
    const revoked = await bot.products.list();
    expect({ status: revoked.status, message: errorMessage(revoked) }).toEqual({ status: 401, message: expect.stringMatching(/revoked/) });
    expect((await admin.apiKeys.revoke({ params: { id: key.id } })).status).toBe(409);
    const listed = ok(await admin.apiKeys.list(), 200);
    expect(listed.items.find((k) => k.id === key.id)!.revokedAt).toEqual(expect.any(String));

    for (const header of [`Bearer ${key.secret.slice(0, -1)}x`, 'Bearer kl_live_nope', 'Bearer ', 'Basic abc', `bearer ${'a'.repeat(5000)}`]) {
      // Malformed and forged authorization headers, sent raw.
      const res = await new ApiClient(t.url).request('GET', '/api/v1/products', undefined, { authorization: header });
      expect({ header: header.slice(0, 20), status: res.status }).toEqual({ header: header.slice(0, 20), status: 401 });
    }
  });

  it("keeps a key inside its account: other accounts' items and keys are 404, their lists and log invisible", async () => {
    const theirs = new VendorFixtures(otherAdminClient);
    const theirProduct = await theirs.product();
    const theirKey = await createKey(otherAdmin, 'Theirs', ['products:read']);

    const key = await createKey(admin, 'Mine', ['products:read', 'products:write', 'audit_log:read', 'settings:api_keys']);
    const bot = withKey(key.secret);
    expect((await bot.products.get({ params: { id: theirProduct.id } })).status).toBe(404);
    expect((await bot.products.update({ params: { id: theirProduct.id }, body: { name: 'Stolen' } })).status).toBe(404);
    // A key never manages keys (its own account's or another's): 403 before any lookup.
    expect((await bot.apiKeys.revoke({ params: { id: theirKey.id } })).status).toBe(403);
    expect((await admin.apiKeys.revoke({ params: { id: theirKey.id } })).status).toBe(404);
    const products = ok(await bot.products.list({ query: { limit: 200 } }), 200);
    expect(products.items.map((p) => p.id)).not.toContain(theirProduct.id);
    const keys = ok(await bot.apiKeys.list({ query: { limit: 200 } }), 200);
    expect(keys.items.map((k) => k.id)).not.toContain(theirKey.id);
    const log = ok(await bot.auditLog.list({ query: { itemType: 'product', itemId: theirProduct.id } }), 200);
    expect(log.items).toEqual([]);
    // Their key still works for them, and only for them.
    expect((await withKey(theirKey.secret).products.get({ params: { id: theirProduct.id } })).status).toBe(200);
  });
});
