/**
 * Two accounts, each with items of every kind. Account B calls every contract route that takes an id
 * with account A's ids and gets 404 every time (never 200 or 403), writes nothing into A, and finds
 * nothing of A's in any of its lists or audit-log searches.
 */
import { randomUUID } from 'node:crypto';
import { type Order } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { CONTRACT_ROUTES, callRoute, fillPath } from './support/contract-routes';
import { VendorFixtures } from './support/vendor';
import { ok, typedClient, type TypedClient } from './support/typed-client';

interface Tenant {
  /** The untyped client, for the contract-driven route matrix (callRoute) and the fixtures. */
  client: ApiClient;
  api: TypedClient;
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
    'log-streams': ids.logStream,
  };
  const id = path.includes('/integrity/verifications/') ? ids.verification : path.includes('/audit-log/entries/') ? ids.entry : byResource[resource];
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
  'logStreams.update': { name: 'Taken over' },
  'logStreams.backfill': { fromSeq: 1 },
};

/** A query some routes need to pass validation. */
const QUERIES: Record<string, string> = { 'auditExports.download': '?token=not-a-valid-token' };

async function tenant(): Promise<Tenant> {
  const client = new ApiClient(t.url);
  const api = typedClient(client);
  const tag = `tenant${randomUUID().slice(0, 8)}`;
  await client.signup({ accountName: `Vendor ${tag}` });
  const f = new VendorFixtures(client);
  const customer = await f.customer({ firstName: tag, company: `${tag} Corp`, email: `${tag}@buyer.test` });
  const order: Order = ok(await api.orders.addManager({ params: { id: (await f.order(customer.id, { reference: `${tag}-ORD` })).id }, body: { email: `${tag}-it@buyer.test` } }), 201);
  const product = await f.product({ name: `${tag} Suite`, code: `${tag}-suite`, features: ['sso'] });
  let license = await f.license({ orderId: order.id, productId: product.id });
  license = ok(await api.licenses.assignUser({ params: { id: license.id }, body: { email: `${tag}-user@buyer.test` } }), 201);
  license = ok(await api.licenses.createCustomField({ params: { id: license.id }, body: { name: `${tag}-field`, value: tag } }), 201);
  const device = await f.device(license.key, `${tag}-hw`);
  // Activations are not platform-user actions; a borrow gives the device an entry of its own.
  ok(await api.devices.borrow({ params: { id: device.id }, body: { until: new Date(Date.now() + 86_400_000).toISOString() } }), 200);
  const template = ok(await api.permissionTemplates.create({ body: { name: `${tag} template`, permissions: ['licenses:read'] } }), 201);
  const policy = ok(await api.notificationPolicies.create({ body: { name: `${tag} policy`, event: 'license_expiring', recipients: [`${tag}-sales@vendor.test`] } }), 201);
  const user = ok(await api.platformUsers.create({ body: { email: uniqueEmail(tag), name: `${tag} staff`, password: 'staff-password-1', permissionTemplateId: template.id } }), 201);
  const apiKey = ok(await api.apiKeys.create({ body: { name: `${tag} key`, permissions: ['products:read'] } }), 201);
  const exported = ok(await api.auditExports.create({ body: { format: 'csv', filter: { text: tag } } }), 202);
  const verification = ok(await api.auditIntegrity.requestVerification(), 202);
  // A public address literal (nothing to resolve); no worker runs here, so nothing is ever sent to it.
  const stream = ok(
    await api.logStreams.create({
      body: { name: `${tag} stream`, destination: { type: 'webhook', url: 'https://93.184.215.14/hook', signingSecret: `whsec_${'A'.repeat(43)}=` }, filter: {}, startPoint: 'now' },
    }),
    201,
  );
  const entry = ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items[0]!;
  return {
    client,
    api,
    f,
    tag,
    ids: {
      account: client.session!.account.id,
      admin: client.session!.user.id,
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
      entry: entry.id,
      logStream: stream.id,
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
    seqBefore = (await a.f.latestEntry()).seq!;
  });

  it('covers every kind of item', () => {
    const resources = new Set(withId.map((r) => r.route.path.split('/')[3]));
    expect([...resources].sort()).toEqual(
      ['api-keys', 'audit-log', 'customers', 'devices', 'licenses', 'log-streams', 'notification-policies', 'orders', 'permission-templates', 'platform-users', 'products'].sort(),
    );
  });

  it.each(withId.filter((r) => r.name !== 'auditExports.download').map((r) => [`${r.route.method} ${r.route.path}`, r] as const))(
    '%s answers 404',
    async (_, r) => {
      const path = fillPath(r.route, idsFor(r.route.path, a.ids)) + (QUERIES[r.name] ?? '');
      const res = await callRoute(b.client, r.route, path, {}, BODIES[r.name]);
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
      const res = await callRoute(a.client, r.route, fillPath(r.route, idsFor(r.route.path, a.ids)));
      expect({ route: r.name, status: res.status }).toEqual({ route: r.name, status: 200 });
    },
  );

  it("GET the export download answers A's export as it answers an id that does not exist (the signed token decides, not the id)", async () => {
    const r = withId.find((x) => x.name === 'auditExports.download')!;
    const theirs = await callRoute(b.client, r.route, fillPath(r.route, { id: a.ids.export! }) + QUERIES[r.name]);
    const none = await callRoute(b.client, r.route, fillPath(r.route) + QUERIES[r.name]);
    expect(theirs.status).toBeGreaterThanOrEqual(400);
    expect({ status: theirs.status, message: theirs.body.message }).toEqual({ status: none.status, message: none.body.message });
  });

  it("refuses to link B's new items to A's (404)", async () => {
    expect((await b.api.orders.create({ body: { reference: 'STEAL-1', customerId: a.ids.customer! } })).status).toBe(404);
    const order = await b.f.order();
    expect((await b.api.licenses.create({ body: { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: a.ids.product! } })).status).toBe(404);
    const product = await b.f.product();
    expect((await b.api.licenses.create({ body: { type: 'perpetual', maxActivations: 1, orderId: a.ids.order!, productId: product.id } })).status).toBe(404);
    expect(
      (await b.api.platformUsers.create({ body: { email: uniqueEmail(), name: 'X', password: 'some-password-1', permissionTemplateId: a.ids.template } })).status,
    ).toBe(404);
  });

  it("wrote nothing into A's log and changed none of A's items", async () => {
    expect((await a.f.latestEntry()).seq).toBe(seqBefore);
    const license = ok(await a.api.licenses.get({ params: { id: a.ids.license! } }), 200);
    expect(license).toMatchObject({ enabled: true, maxActivations: 3, deletedAt: null });
    expect(license.users).toHaveLength(1);
    expect((ok(await a.api.products.get({ params: { id: a.ids.product! } }), 200)).name).toBe(`${a.tag} Suite`);
    expect(ok(await a.api.apiKeys.list(), 200).items.every((k) => !k.revokedAt)).toBe(true);
  });
});

describe("account B's lists and searches", () => {
  type Read = (api: TypedClient) => Promise<{ status: number; body: unknown }>;
  const all = { query: { limit: 200 } };
  const lists: Array<[string, Read]> = [
    ['/api/v1/products?limit=200', (api) => api.products.list(all)],
    ['/api/v1/customers?limit=200', (api) => api.customers.list(all)],
    ['/api/v1/orders?limit=200', (api) => api.orders.list(all)],
    ['/api/v1/licenses?limit=200', (api) => api.licenses.list(all)],
    ['/api/v1/permission-templates?limit=200', (api) => api.permissionTemplates.list(all)],
    ['/api/v1/notification-policies?limit=200', (api) => api.notificationPolicies.list(all)],
    ['/api/v1/platform-users?limit=200', (api) => api.platformUsers.list(all)],
    ['/api/v1/api-keys?limit=200', (api) => api.apiKeys.list(all)],
    ['/api/v1/audit-log/exports?limit=200', (api) => api.auditExports.list(all)],
    ['/api/v1/audit-log?limit=200', (api) => api.auditLog.list(all)],
    ['/api/v1/audit-log/integrity', (api) => api.auditIntegrity.verify()],
    ['/api/v1/audit-log/integrity/checkpoints', (api) => api.auditIntegrity.checkpoints()],
  ];
  /** Each search labelled with the request it sends. */
  const searches = (tag: string, ids: Record<string, string>): Array<[string, Read]> => [
    [`/api/v1/customers?search=${tag}`, (api) => api.customers.list({ query: { search: tag } })],
    [`/api/v1/products?search=${tag}`, (api) => api.products.list({ query: { search: tag } })],
    [`/api/v1/orders?search=${tag}`, (api) => api.orders.list({ query: { search: tag } })],
    [`/api/v1/orders?customerId=${ids.customer}`, (api) => api.orders.list({ query: { customerId: ids.customer } })],
    [`/api/v1/licenses?orderId=${ids.order}`, (api) => api.licenses.list({ query: { orderId: ids.order } })],
    [`/api/v1/licenses?productId=${ids.product}`, (api) => api.licenses.list({ query: { productId: ids.product } })],
    [`/api/v1/licenses?customerId=${ids.customer}`, (api) => api.licenses.list({ query: { customerId: ids.customer } })],
    [`/api/v1/audit-log?text=${tag}`, (api) => api.auditLog.list({ query: { text: tag } })],
    [`/api/v1/audit-log?q=${tag}`, (api) => api.auditLog.list({ query: { q: tag } })],
    [`/api/v1/audit-log?q="${tag} Suite"`, (api) => api.auditLog.list({ query: { q: `"${tag} Suite"` } })],
    [`/api/v1/audit-log?q=item:license:${ids.license}`, (api) => api.auditLog.list({ query: { q: `item:license:${ids.license}` } })],
    [`/api/v1/audit-log?q=actor:${ids.admin}`, (api) => api.auditLog.list({ query: { q: `actor:${ids.admin}` } })],
    [`/api/v1/audit-log?itemType=product&itemId=${ids.product}`, (api) => api.auditLog.list({ query: { itemType: 'product', itemId: ids.product } })],
    [`/api/v1/audit-log?itemType=device&itemId=${ids.device}`, (api) => api.auditLog.list({ query: { itemType: 'device', itemId: ids.device } })],
    [`/api/v1/audit-log?actorId=${ids.admin}`, (api) => api.auditLog.list({ query: { actorId: ids.admin } })],
  ];

  /** Nothing of A's — no id, no name — appears in the body. */
  function expectNothingOfA(path: string, body: unknown) {
    const text = JSON.stringify(body);
    const leaked = [a.tag, ...Object.values(a.ids)].filter((s) => text.includes(s));
    expect({ path, leaked }).toEqual({ path, leaked: [] });
  }

  it.each(lists)('%s shows nothing of A', async (path, read) => {
    const res = await read(b.api);
    expect({ path, status: res.status }).toEqual({ path, status: 200 });
    expectNothingOfA(path, res.body);
  });

  it("the same searches find A's items for A (so the searches would find them)", async () => {
    for (const [path, search] of searches(a.tag, a.ids)) {
      const res = await search(a.api);
      const items = (res.body as { items?: unknown[] }).items;
      expect({ path, status: res.status, some: (items?.length ?? 0) > 0 }).toEqual({ path, status: 200, some: true });
    }
  });

  it("B's searches for A's names and ids find nothing", async () => {
    for (const [path, search] of searches(a.tag, a.ids)) {
      const res = await search(b.api);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect({ path, items: (res.body as { items?: unknown[] }).items }).toEqual({ path, items: [] });
      expectNothingOfA(path, res.body);
    }
  });

  it("B's own log holds only B's entries", async () => {
    const page = ok(await b.api.auditLog.list({ query: { limit: 200 } }), 200);
    expect(page.items.length).toBeGreaterThan(5);
    expect(new Set(page.items.map((e) => e.accountId))).toEqual(new Set([b.ids.account]));
  });
});
