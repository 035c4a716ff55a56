/**
 * Two accounts, each with items of every kind. Account B calls every contract route that takes an id
 * with account A's ids and gets 404 every time (never 200 or 403), writes nothing into A, and finds
 * nothing of A's in any of its lists or audit-log searches.
 */
import { randomUUID } from 'node:crypto';
import { type ApiKeyCreated, type AuditEntry, type License, type Order } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { CONTRACT_ROUTES, callRoute, fillPath } from './support/contract-routes';
import { expectOk, VendorFixtures } from './support/vendor';

interface Tenant {
  api: ApiClient;
  f: VendorFixtures;
  tag: string;
  ids: Record<string, string>;
}

let t: TestApp;
let a: Tenant;
let b: Tenant;

/** The id each route's path parameter takes, by the path's resource. */
function idsFor(path: string, ids: Record<string, string>): Record<string, string> {
  const resource = path.split('/')[3]!;
  const byResource: Record<string, string | undefined> = {
    'platform-users': ids.platformUser,
    'permission-templates': ids.template,
    'notification-policies': ids.policy,
    products: ids.product,
    customers: ids.customer,
    orders: ids.order,
    licenses: ids.license,
    devices: ids.device,
    'api-keys': ids.apiKey,
    'audit-log': ids.export,
  };
  const id = path.includes('/integrity/verifications/') ? ids.verification : byResource[resource];
  if (!id) throw new Error(`no id of account A for ${path}`);
  return { id, managerId: ids.manager!, licenseUserId: ids.licenseUser!, fieldId: ids.field! };
}

/** A valid body for each mutation that takes one, so the call reaches the service rather than a 400. */
const BODIES: Record<string, unknown> = {
  'platformUsers.update': { name: 'Taken over' },
  'permissionTemplates.update': { name: 'Taken over' },
  'permissionTemplates.setPermissions': { permissions: ['audit_log:read'] },
  'notificationPolicies.update': { enabled: false },
  'products.update': { name: 'Taken over' },
  'customers.update': { firstName: 'Taken' },
  'orders.update': { notes: 'Taken over' },
  'orders.addManager': { email: 'intruder@b.test' },
  'licenses.update': { maxActivations: 99 },
  'licenses.assignUser': { email: 'intruder@b.test' },
  'licenses.setFeatures': { features: [] },
  'licenses.createCustomField': { name: 'intruder', value: 'x' },
  'licenses.updateCustomField': { value: 'x' },
  'devices.borrow': { until: new Date(Date.now() + 86_400_000).toISOString() },
};

/** A query some routes need to pass validation. */
const QUERIES: Record<string, string> = { 'auditExports.download': '?token=not-a-valid-token' };

async function tenant(): Promise<Tenant> {
  const api = new ApiClient(t.url);
  const tag = `tenant${randomUUID().slice(0, 8)}`;
  await api.signup({ accountName: `Vendor ${tag}` });
  const f = new VendorFixtures(api);
  const customer = await f.customer({ firstName: tag, company: `${tag} Corp`, email: `${tag}@buyer.test` });
  const order: Order = await expectOk(api.post(`/api/v1/orders/${(await f.order(customer.id, { reference: `${tag}-ORD` })).id}/managers`, { email: `${tag}-it@buyer.test` }));
  const product = await f.product({ name: `${tag} Suite`, code: `${tag}-suite`, features: ['sso'] });
  let license = await f.license({ orderId: order.id, productId: product.id });
  license = await expectOk<License>(api.post(`/api/v1/licenses/${license.id}/users`, { email: `${tag}-user@buyer.test` }));
  license = await expectOk<License>(api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: `${tag}-field`, value: tag }));
  const device = await f.device(license.key, `${tag}-hw`);
  // Activations are not platform-user actions; a borrow gives the device an entry of its own.
  await expectOk(api.post(`/api/v1/devices/${device.id}/borrow`, { until: new Date(Date.now() + 86_400_000).toISOString() }));
  const template = await expectOk<{ id: string }>(api.post('/api/v1/permission-templates', { name: `${tag} template`, permissions: ['licenses:read'] }));
  const policy = await expectOk<{ id: string }>(
    api.post('/api/v1/notification-policies', { name: `${tag} policy`, event: 'license_expiring', recipients: [`${tag}-sales@vendor.test`] }),
  );
  const user = await expectOk<{ id: string }>(
    api.post('/api/v1/platform-users', { email: uniqueEmail(tag), name: `${tag} staff`, password: 'staff-password-1', permissionTemplateId: template.id }),
  );
  const apiKey = await expectOk<ApiKeyCreated>(api.post('/api/v1/api-keys', { name: `${tag} key`, permissions: ['products:read'] }));
  const exported = await expectOk<{ id: string }>(api.post('/api/v1/audit-log/exports', { format: 'csv', filter: { text: tag } }), [202]);
  const verification = await expectOk<{ id: string }>(api.post('/api/v1/audit-log/integrity/verifications', {}), [202]);
  return {
    api,
    f,
    tag,
    ids: {
      account: api.session!.account.id,
      admin: api.session!.user.id,
      customer: customer.id,
      order: order.id,
      manager: order.managers[0]!.id,
      product: product.id,
      license: license.id,
      licenseUser: license.users[0]!.id,
      field: license.customFields[0]!.id,
      device: device.id,
      template: template.id,
      policy: policy.id,
      platformUser: user.id,
      apiKey: apiKey.id,
      export: exported.id,
      verification: verification.id,
    },
  };
}

beforeAll(async () => {
  t = await startApp();
  [a, b] = await Promise.all([tenant(), tenant()]);
}, 60_000);
afterAll(() => t.close());

const withId = CONTRACT_ROUTES.filter((r) => r.route.path.includes(':id'));

describe("account B with account A's ids", () => {
  let seqBefore: number;
  beforeAll(async () => {
    seqBefore = (await a.f.latestEntry()).seq;
  });

  it('covers every kind of item', () => {
    const resources = new Set(withId.map((r) => r.route.path.split('/')[3]));
    expect([...resources].sort()).toEqual(
      ['api-keys', 'audit-log', 'customers', 'devices', 'licenses', 'notification-policies', 'orders', 'permission-templates', 'platform-users', 'products'].sort(),
    );
  });

  it.each(withId.filter((r) => r.name !== 'auditExports.download').map((r) => [`${r.route.method} ${r.route.path}`, r] as const))(
    '%s answers 404',
    async (_, r) => {
      const path = fillPath(r.route, idsFor(r.route.path, a.ids)) + (QUERIES[r.name] ?? '');
      const res = await callRoute(b.api, r.route, path, {}, BODIES[r.name]);
      expect({ route: r.name, status: res.status, message: res.body?.message }).toEqual({
        route: r.name,
        status: 404,
        message: expect.stringMatching(/not found/),
      });
    },
  );

  it.each(withId.filter((r) => r.route.method === 'GET' && r.name !== 'auditExports.download').map((r) => [`${r.route.method} ${r.route.path}`, r] as const))(
    '%s answers 200 to A itself (the ids are real)',
    async (_, r) => {
      const res = await callRoute(a.api, r.route, fillPath(r.route, idsFor(r.route.path, a.ids)));
      expect({ route: r.name, status: res.status }).toEqual({ route: r.name, status: 200 });
    },
  );

  it("GET the export download answers A's export as it answers an id that does not exist (the signed token decides, not the id)", async () => {
    const r = withId.find((x) => x.name === 'auditExports.download')!;
    const theirs = await callRoute(b.api, r.route, fillPath(r.route, { id: a.ids.export! }) + QUERIES[r.name]);
    const none = await callRoute(b.api, r.route, fillPath(r.route) + QUERIES[r.name]);
    expect(theirs.status).toBeGreaterThanOrEqual(400);
    expect({ status: theirs.status, message: theirs.body.message }).toEqual({ status: none.status, message: none.body.message });
  });

  it("refuses to link B's new items to A's (404)", async () => {
    expect((await b.api.post('/api/v1/orders', { reference: 'STEAL-1', customerId: a.ids.customer })).status).toBe(404);
    const order = await b.f.order();
    expect((await b.api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: a.ids.product })).status).toBe(404);
    const product = await b.f.product();
    expect((await b.api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: a.ids.order, productId: product.id })).status).toBe(404);
    expect(
      (await b.api.post('/api/v1/platform-users', { email: uniqueEmail(), name: 'X', password: 'some-password-1', permissionTemplateId: a.ids.template })).status,
    ).toBe(404);
  });

  it("wrote nothing into A's log and changed none of A's items", async () => {
    expect((await a.f.latestEntry()).seq).toBe(seqBefore);
    const license = await expectOk<License>(a.api.get(`/api/v1/licenses/${a.ids.license}`));
    expect(license).toMatchObject({ enabled: true, maxActivations: 3, deletedAt: null });
    expect(license.users).toHaveLength(1);
    expect((await expectOk<{ name: string; deletedAt: string | null }>(a.api.get(`/api/v1/products/${a.ids.product}`))).name).toBe(`${a.tag} Suite`);
    expect((await expectOk<{ revokedAt: string | null }[]>(a.api.get('/api/v1/api-keys').then((r) => ({ ...r, body: r.body.items })))).every((k) => !k.revokedAt)).toBe(true);
  });
});

describe("account B's lists and searches", () => {
  const lists = [
    '/api/v1/products?limit=200',
    '/api/v1/customers?limit=200',
    '/api/v1/orders?limit=200',
    '/api/v1/licenses?limit=200',
    '/api/v1/permission-templates?limit=200',
    '/api/v1/notification-policies?limit=200',
    '/api/v1/platform-users?limit=200',
    '/api/v1/api-keys?limit=200',
    '/api/v1/audit-log/exports?limit=200',
    '/api/v1/audit-log?limit=200',
    '/api/v1/audit-log/integrity',
    '/api/v1/audit-log/integrity/checkpoints',
  ];
  const searches = (tag: string, ids: Record<string, string>) => [
    `/api/v1/customers?search=${tag}`,
    `/api/v1/products?search=${tag}`,
    `/api/v1/orders?search=${tag}`,
    `/api/v1/orders?customerId=${ids.customer}`,
    `/api/v1/licenses?orderId=${ids.order}`,
    `/api/v1/licenses?productId=${ids.product}`,
    `/api/v1/licenses?customerId=${ids.customer}`,
    `/api/v1/audit-log?text=${tag}`,
    `/api/v1/audit-log?q=${encodeURIComponent(tag)}`,
    `/api/v1/audit-log?q=${encodeURIComponent(`"${tag} Suite"`)}`,
    `/api/v1/audit-log?q=${encodeURIComponent(`item:license:${ids.license}`)}`,
    `/api/v1/audit-log?q=${encodeURIComponent(`actor:${ids.admin}`)}`,
    `/api/v1/audit-log?itemType=product&itemId=${ids.product}`,
    `/api/v1/audit-log?itemType=device&itemId=${ids.device}`,
    `/api/v1/audit-log?actorId=${ids.admin}`,
  ];

  /** Nothing of A's — no id, no name — appears in the body. */
  function expectNothingOfA(path: string, body: unknown) {
    const text = JSON.stringify(body);
    const leaked = [a.tag, ...Object.values(a.ids)].filter((s) => text.includes(s));
    expect({ path, leaked }).toEqual({ path, leaked: [] });
  }

  it.each(lists)('%s shows nothing of A', async (path) => {
    expectNothingOfA(path, await expectOk(b.api.get(path)));
  });

  it("the same searches find A's items for A (so the searches would find them)", async () => {
    for (const path of searches(a.tag, a.ids)) {
      const res = await a.api.get(path);
      expect({ path, status: res.status, some: (res.body.items?.length ?? 0) > 0 }).toEqual({ path, status: 200, some: true });
    }
  });

  it("B's searches for A's names and ids find nothing", async () => {
    for (const path of searches(a.tag, a.ids)) {
      const res = await b.api.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect({ path, items: res.body.items }).toEqual({ path, items: [] });
      expectNothingOfA(path, res.body);
    }
  });

  it("B's own log holds only B's entries", async () => {
    const page = await expectOk<{ items: AuditEntry[] }>(b.api.get('/api/v1/audit-log?limit=200'));
    expect(page.items.length).toBeGreaterThan(5);
    expect(new Set(page.items.map((e) => e.accountId))).toEqual(new Set([b.ids.account]));
  });
});
