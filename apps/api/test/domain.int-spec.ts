/**
 * The vendor domain over HTTP: each module's endpoints, the rules users expect (409/400 with a
 * clear message and no entry), other accounts' items (404), soft deletes with readable histories,
 * the License API's answers, and per-item histories with their related items.
 */
import { type AuditEntry, type License } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { expectOk, VendorFixtures } from './support/vendor';

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

let t: TestApp;
let api: ApiClient;
let f: VendorFixtures;
let other: VendorFixtures;

beforeAll(async () => {
  t = await startApp();
  api = new ApiClient(t.url);
  await api.signup();
  f = new VendorFixtures(api);
  const otherApi = new ApiClient(t.url);
  await otherApi.signup();
  other = new VendorFixtures(otherApi);
});
afterAll(() => t.close());

/** Runs a call that must be refused with `status`, and checks it wrote no entry. */
async function refused(call: () => Promise<{ status: number; body: { message: string } }>, status: number, message: RegExp) {
  const before = (await f.latestEntry()).seq;
  const res = await call();
  expect({ status: res.status, message: res.body.message }).toEqual({ status, message: expect.stringMatching(message) });
  expect((await f.latestEntry()).seq).toBe(before);
}

const actions = (entries: AuditEntry[]) => entries.map((e) => e.action);

describe('permission templates', () => {
  it('creates, renames, sets permissions, lists and deletes softly', async () => {
    const created = await expectOk<{ id: string; permissions: string[] }>(
      api.post('/api/v1/permission-templates', { name: 'Support', permissions: ['licenses:read'] }),
    );
    await refused(() => api.post('/api/v1/permission-templates', { name: 'SUPPORT', permissions: [] }), 409, /already called/);
    const renamed = await expectOk<{ name: string }>(api.patch(`/api/v1/permission-templates/${created.id}`, { name: 'Support L1' }));
    expect(renamed.name).toBe('Support L1');
    const set = await expectOk<{ permissions: string[] }>(
      api.put(`/api/v1/permission-templates/${created.id}/permissions`, { permissions: ['licenses:read', 'devices:write'] }),
    );
    expect(set.permissions).toEqual(['licenses:read', 'devices:write']);
    expect((await api.put(`/api/v1/permission-templates/${created.id}/permissions`, { permissions: ['licenses:fly'] })).status).toBe(400);

    await expectOk(api.delete(`/api/v1/permission-templates/${created.id}`));
    const list = await expectOk<{ items: Array<{ id: string }> }>(api.get('/api/v1/permission-templates'));
    expect(list.items.map((i) => i.id)).not.toContain(created.id);
    expect((await expectOk<{ deletedAt: string | null }>(api.get(`/api/v1/permission-templates/${created.id}`))).deletedAt).not.toBeNull();
    await refused(() => api.patch(`/api/v1/permission-templates/${created.id}`, { name: 'Again' }), 409, /deleted/);
  });

  it("gives a non-admin user the template's permissions, and refuses deleting a template in use", async () => {
    const template = await expectOk<{ id: string }>(
      api.post('/api/v1/permission-templates', { name: 'Licence desk', permissions: ['licenses:read', 'customers:read'] }),
    );
    const email = uniqueEmail('desk');
    const user = await expectOk<{ id: string }>(
      api.post('/api/v1/platform-users', { email, name: 'Desk', password: 'desk-password-1', permissionTemplateId: template.id }),
    );
    const desk = new ApiClient(t.url);
    const session = await expectOk<{ user: { permissions: string[] } }>(desk.post('/api/v1/auth/login', { email, password: 'desk-password-1' }));
    expect(session.user.permissions.sort()).toEqual(['customers:read', 'licenses:read']);
    expect((await desk.get('/api/v1/licenses')).status).toBe(200);
    expect((await desk.get('/api/v1/audit-log')).status).toBe(403);
    expect((await desk.post('/api/v1/customers', { email: uniqueEmail() })).status).toBe(403);

    await refused(() => api.delete(`/api/v1/permission-templates/${template.id}`), 409, /1 platform user still uses this template/);
    // A change to the template applies at once.
    await expectOk(api.put(`/api/v1/permission-templates/${template.id}/permissions`, { permissions: ['audit_log:read'] }));
    expect((await desk.get('/api/v1/audit-log')).status).toBe(200);
    expect((await desk.get('/api/v1/licenses')).status).toBe(403);

    await expectOk(api.patch(`/api/v1/platform-users/${user.id}`, { permissionTemplateId: null }));
    expect((await desk.get('/api/v1/audit-log')).status).toBe(403);
    await expectOk(api.delete(`/api/v1/permission-templates/${template.id}`));
    await refused(
      () => api.patch(`/api/v1/platform-users/${user.id}`, { permissionTemplateId: template.id }),
      409,
      /permission template is deleted/,
    );
  });

  it("does not let a user be given another account's template (404)", async () => {
    const foreign = await expectOk<{ id: string }>(other.api.post('/api/v1/permission-templates', { name: 'Theirs', permissions: [] }));
    await refused(
      () => api.post('/api/v1/platform-users', { email: uniqueEmail(), name: 'X', password: 'some-password-1', permissionTemplateId: foreign.id }),
      404,
      /Permission template not found/,
    );
    expect((await api.get(`/api/v1/permission-templates/${foreign.id}`)).status).toBe(404);
    expect((await api.delete(`/api/v1/permission-templates/${foreign.id}`)).status).toBe(404);
  });
});

describe('notification policies', () => {
  it('creates, updates, deletes softly, and validates events and recipients', async () => {
    const policy = await expectOk<{ id: string; enabled: boolean }>(
      api.post('/api/v1/notification-policies', { name: 'Expiry', event: 'license_expiring', recipients: ['sales@vendor.test'] }),
    );
    expect(policy.enabled).toBe(true);
    const bad = await api.post('/api/v1/notification-policies', { name: 'X', event: 'moon_landing', recipients: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.event', 'body.recipients']));
    const updated = await expectOk<{ recipients: string[] }>(
      api.patch(`/api/v1/notification-policies/${policy.id}`, { recipients: ['sales@vendor.test', 'ops@vendor.test'] }),
    );
    expect(updated.recipients).toHaveLength(2);
    await expectOk(api.delete(`/api/v1/notification-policies/${policy.id}`));
    await refused(() => api.patch(`/api/v1/notification-policies/${policy.id}`, { enabled: false }), 409, /deleted/);
    expect((await other.api.get(`/api/v1/notification-policies/${policy.id}`)).status).toBe(404);
  });
});

describe('customers', () => {
  it('creates, searches, pages and updates; one email per account', async () => {
    const c = await f.customer({ firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs' });
    await refused(() => api.post('/api/v1/customers', { email: c.email.toUpperCase() }), 409, /already has the email/);
    const found = await expectOk<{ items: Array<{ id: string }> }>(api.get('/api/v1/customers?search=grace%20hop'));
    expect(found.items.map((i) => i.id)).toEqual([c.id]);
    await f.customer();
    const first = await expectOk<{ items: Array<{ id: string }>; nextCursor: string }>(api.get('/api/v1/customers?limit=1'));
    const second = await expectOk<{ items: Array<{ id: string }> }>(api.get(`/api/v1/customers?limit=1&cursor=${first.nextCursor}`));
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    const updated = await expectOk<{ company: string | null }>(api.patch(`/api/v1/customers/${c.id}`, { company: null }));
    expect(updated.company).toBeNull();
    expect((await api.patch(`/api/v1/customers/${c.id}`, {})).status).toBe(400);
  });

  it('refuses deleting a customer with orders; once deleted, hidden from lists but readable with its history', async () => {
    const c = await f.customer();
    const o = await f.order(c.id);
    await refused(() => api.delete(`/api/v1/customers/${c.id}`), 409, /has 1 order/);
    await expectOk(api.delete(`/api/v1/orders/${o.id}`));
    await expectOk(api.delete(`/api/v1/customers/${c.id}`));
    const list = await expectOk<{ items: Array<{ id: string }> }>(api.get('/api/v1/customers?limit=200'));
    expect(list.items.map((i) => i.id)).not.toContain(c.id);
    expect((await expectOk<{ deletedAt: string }>(api.get(`/api/v1/customers/${c.id}`))).deletedAt).toEqual(expect.any(String));
    await refused(() => api.patch(`/api/v1/customers/${c.id}`, { firstName: 'Late' }), 409, /deleted/);
    await refused(() => api.post('/api/v1/orders', { reference: 'TOO-LATE', customerId: c.id }), 409, /customer is deleted/);
    const history = await f.history('customers', c.id);
    expect(actions(history.items)).toEqual(['customer_deleted', 'order_deleted', 'order_created', 'customer_created']);
  });

  it("answers 404 for another account's customer everywhere", async () => {
    const theirs = await other.customer();
    expect((await api.get(`/api/v1/customers/${theirs.id}`)).status).toBe(404);
    expect((await api.get(`/api/v1/customers/${theirs.id}/audit-log`)).status).toBe(404);
    await refused(() => api.patch(`/api/v1/customers/${theirs.id}`, { firstName: 'X' }), 404, /Customer not found/);
    await refused(() => api.delete(`/api/v1/customers/${theirs.id}`), 404, /Customer not found/);
    await refused(() => api.post('/api/v1/orders', { reference: 'STEAL-1', customerId: theirs.id }), 404, /Customer not found/);
  });
});

describe('orders', () => {
  it('keeps references unique, manages managers, filters by customer', async () => {
    const o = await f.order(undefined, { reference: `REF-${Date.now()}` });
    await refused(() => api.post('/api/v1/orders', { reference: o.reference.toLowerCase(), customerId: o.customerId }), 409, /already has the reference/);
    const withManager = await expectOk<{ managers: Array<{ id: string; email: string }> }>(
      api.post(`/api/v1/orders/${o.id}/managers`, { email: 'Boss@Buyer.test' }),
    );
    expect(withManager.managers.map((m) => m.email)).toEqual(['boss@buyer.test']);
    await refused(() => api.post(`/api/v1/orders/${o.id}/managers`, { email: 'boss@buyer.test' }), 409, /already manages/);
    await refused(() => api.delete(`/api/v1/orders/${o.id}/managers/${o.id}`), 404, /Order manager not found/);
    const byCustomer = await expectOk<{ items: Array<{ id: string; managers: unknown[] }> }>(api.get(`/api/v1/orders?customerId=${o.customerId}`));
    expect(byCustomer.items).toEqual([expect.objectContaining({ id: o.id, managers: [expect.objectContaining({ email: 'boss@buyer.test' })] })]);
  });

  it('refuses deleting an order with licenses', async () => {
    const license = await f.license();
    await refused(() => api.delete(`/api/v1/orders/${license.orderId}`), 409, /has 1 license/);
    await expectOk(api.delete(`/api/v1/licenses/${license.id}`));
    await expectOk(api.delete(`/api/v1/orders/${license.orderId}`));
    expect((await expectOk<{ deletedAt: string }>(api.get(`/api/v1/orders/${license.orderId}`))).deletedAt).toEqual(expect.any(String));
  });
});

describe('licenses', () => {
  it('issues an enabled license with a generated key, shown masked in its entry', async () => {
    const license = await f.license({ features: ['sso'] });
    expect(license.key).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(license.keyHint).toBe(`****-****-****-${license.key.slice(-4)}`);
    expect(license).toMatchObject({ enabled: true, type: 'perpetual', features: ['sso'], users: [], customFields: [] });
    const entry = await f.latestEntry();
    expect(entry.target.label).toBe(license.keyHint);
    expect(JSON.stringify(entry)).not.toContain(license.key);
  });

  it.each([
    [{ type: 'time_limited' }, 'body.validUntil', /needs validUntil/],
    [{ type: 'perpetual', validUntil: inDays(3) }, 'body.validUntil', /does not expire/],
    [{ type: 'consumption' }, 'body.maxConsumptions', /needs maxConsumptions/],
    [{ type: 'subscription', validUntil: inDays(-1) }, 'body.validUntil', /in the future/],
    [{ features: ['teleport'] }, 'body.features', /teleport/],
    [{ maxActivations: 0 }, 'body.maxActivations', /greater than or equal to 1/],
  ])('answers 400 for %j', async (override, path, message) => {
    const [order, product] = await Promise.all([f.order(), f.product()]);
    await refused(
      async () => {
        const res = await api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: product.id, ...override });
        expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
        return res;
      },
      400,
      /./,
    );
  });

  it('refuses licenses for an inactive or archived product, and for other accounts (404)', async () => {
    const [order, product] = await Promise.all([f.order(), f.product()]);
    await expectOk(api.post(`/api/v1/products/${product.id}/deactivate`));
    await refused(() => api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: product.id }), 409, /inactive/);
    const archived = await f.product();
    await expectOk(api.post(`/api/v1/products/${archived.id}/archive`));
    await refused(() => api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: archived.id }), 409, /archived/);
    const theirOrder = await other.order();
    const mine = await f.product();
    await refused(() => api.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: theirOrder.id, productId: mine.id }), 404, /Order not found/);
  });

  it('refuses state changes that make no sense (409, no entry)', async () => {
    const license = await f.license();
    await refused(() => api.post(`/api/v1/licenses/${license.id}/enable`), 409, /already enabled/);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    await refused(() => api.post(`/api/v1/licenses/${license.id}/disable`), 409, /already disabled/);
    await refused(() => api.post(`/api/v1/licenses/${license.id}/consumption/reset`), 409, /only consumption licenses/);
    await refused(() => api.post(`/api/v1/licenses/${license.id}/reset`), 409, /no activations/);
    await refused(() => api.put(`/api/v1/licenses/${license.id}/features`, { features: ['warp'] }), 400, /no feature "warp"/);
    await refused(() => api.patch(`/api/v1/licenses/${license.id}`, { validUntil: inDays(5) }), 400, /perpetual license does not expire/);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/users`, { email: 'ann@buyer.test' }));
    await refused(() => api.post(`/api/v1/licenses/${license.id}/users`, { email: 'ANN@buyer.test' }), 409, /already assigned/);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: 'Seats', value: '5' }));
    await refused(() => api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: 'seats', value: '6' }), 409, /already has a custom field/);
    await refused(() => api.patch(`/api/v1/licenses/${license.id}/custom-fields/${license.id}`, { value: '1' }), 404, /Custom field not found/);
  });

  it('deletes softly: hidden from lists, readable with its history, no further changes', async () => {
    const license = await f.license();
    await expectOk(api.delete(`/api/v1/licenses/${license.id}`));
    const list = await expectOk<{ items: Array<{ id: string }> }>(api.get(`/api/v1/licenses?orderId=${license.orderId}`));
    expect(list.items).toEqual([]);
    expect((await expectOk<License>(api.get(`/api/v1/licenses/${license.id}`))).deletedAt).toEqual(expect.any(String));
    expect(actions((await f.history('licenses', license.id)).items)).toEqual(['license_deleted', 'license_created']);
    await refused(() => api.post(`/api/v1/licenses/${license.id}/disable`), 409, /deleted/);
    expect((await f.activate(license.key)).status).toBe(404);
  });

  it("answers 404 for another account's license, its devices and history", async () => {
    const theirs = await other.license();
    const device = await other.device(theirs.key);
    for (const path of [`/api/v1/licenses/${theirs.id}`, `/api/v1/licenses/${theirs.id}/devices`, `/api/v1/licenses/${theirs.id}/audit-log`]) {
      expect((await api.get(path)).status).toBe(404);
    }
    await refused(() => api.post(`/api/v1/licenses/${theirs.id}/disable`), 404, /License not found/);
    await refused(() => api.post(`/api/v1/devices/${device.id}/blacklist`), 404, /Device not found/);
  });
});

describe('the License API and devices', () => {
  it('activates, answers 200 for the same device again, and 409 past maxActivations', async () => {
    const license = await f.license({ maxActivations: 2 });
    const first = await f.activate(license.key.toLowerCase(), 'HW-A', { name: 'Laptop', os: 'macOS 15' });
    expect(first.status).toBe(201);
    expect(first.body.device).toMatchObject({ hardwareId: 'HW-A', name: 'Laptop', active: true, blacklisted: false });
    expect(first.body.license).toMatchObject({ type: 'perpetual', maxActivations: 2 });
    expect((await f.activate(license.key, 'HW-A')).status).toBe(200);
    expect((await f.activate(license.key, 'HW-B')).status).toBe(201);
    const full = await f.activate(license.key, 'HW-C');
    expect(full.status).toBe(409);
    expect(full.body.message).toMatch(/All 2 activations of this license are in use/);
    const devices = await expectOk<{ items: Array<{ hardwareId: string }> }>(api.get(`/api/v1/licenses/${license.id}/devices`));
    expect(devices.items.map((d) => d.hardwareId)).toEqual(['HW-B', 'HW-A']);
  });

  it('answers 404 for an unknown key, 403 for a disabled license or a blacklisted device, 400 for a bad body', async () => {
    expect((await f.activate('AAAA-BBBB-CCCC-DDDD')).status).toBe(404);
    expect((await api.post('/api/v1/license-api/activations', { licenseKey: 'x' })).status).toBe(400);
    const license = await f.license();
    const device = await f.device(license.key, 'HW-BAD');
    await expectOk(api.post(`/api/v1/devices/${device.id}/blacklist`));
    const blacklisted = await f.activate(license.key, 'HW-BAD');
    expect([blacklisted.status, blacklisted.body.message]).toEqual([403, 'This device is blacklisted for this license']);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    const disabled = await f.activate(license.key, 'HW-NEW');
    expect([disabled.status, disabled.body.message]).toEqual([403, 'This license is disabled']);
  });

  it('frees an activation on device reset and license reset', async () => {
    const license = await f.license({ maxActivations: 1 });
    const device = await f.device(license.key, 'HW-1');
    expect((await f.activate(license.key, 'HW-2')).status).toBe(409);
    await expectOk(api.post(`/api/v1/devices/${device.id}/reset`));
    await refused(() => api.post(`/api/v1/devices/${device.id}/reset`), 409, /holds no activation/);
    expect((await f.activate(license.key, 'HW-2')).status).toBe(201);
    const reset = await expectOk<License>(api.post(`/api/v1/licenses/${license.id}/reset`));
    expect(reset.id).toBe(license.id);
    expect((await f.activate(license.key, 'HW-1')).status).toBe(201);
  });

  it('borrows only an active, not blacklisted device until a future date', async () => {
    const license = await f.license({ type: 'time_limited', validUntil: inDays(30) });
    const device = await f.device(license.key);
    await refused(() => api.post(`/api/v1/devices/${device.id}/borrow`, { until: inDays(-1) }), 400, /in the future/);
    await refused(() => api.post(`/api/v1/devices/${device.id}/borrow`, { until: inDays(60) }), 400, /validUntil/);
    await refused(() => api.post(`/api/v1/devices/${device.id}/borrow/release`), 409, /not borrowing/);
    const until = inDays(7);
    const borrowed = await expectOk<{ borrowedUntil: string }>(api.post(`/api/v1/devices/${device.id}/borrow`, { until }));
    expect(borrowed.borrowedUntil).toBe(until);
    await expectOk(api.post(`/api/v1/devices/${device.id}/blacklist`));
    await refused(() => api.post(`/api/v1/devices/${device.id}/blacklist`), 409, /already blacklisted/);
    await refused(() => api.post(`/api/v1/devices/${device.id}/borrow`, { until: inDays(2) }), 409, /blacklisted device cannot borrow/);
  });

  it('counts consumptions from activated devices up to maxConsumptions', async () => {
    const license = await f.license({ type: 'consumption', maxConsumptions: 10 });
    const consume = (hardwareId: string, consumptions: number) =>
      api.post('/api/v1/license-api/consumptions', { licenseKey: license.key, hardwareId, consumptions });
    expect((await consume('HW-X', 1)).status).toBe(403);
    await f.device(license.key, 'HW-X');
    expect((await expectOk<{ consumptions: number }>(consume('HW-X', 8))).consumptions).toBe(8);
    const over = await consume('HW-X', 3);
    expect([over.status, over.body.message]).toEqual([409, 'Only 2 of 10 consumptions are left']);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/consumption/reset`));
    await refused(() => api.post(`/api/v1/licenses/${license.id}/consumption/reset`), 409, /no consumptions/);
  });
});

describe('per-item histories', () => {
  it("show an item's own entries and its related items': device → license → order → customer, and the product", async () => {
    const customer = await f.customer();
    const order = await f.order(customer.id);
    const product = await f.product();
    const license = await f.license({ orderId: order.id, productId: product.id });
    const device = await f.device(license.key);
    await expectOk(api.post(`/api/v1/devices/${device.id}/borrow`, { until: inDays(3) }));
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    await expectOk(api.patch(`/api/v1/orders/${order.id}`, { notes: 'Renewal due in spring' }));

    expect(actions((await f.history('licenses', license.id)).items)).toEqual(['license_disabled', 'device_borrowed', 'license_created']);
    expect(actions((await f.history('licenses', license.id, '?related=false')).items)).toEqual(['license_disabled', 'license_created']);
    expect(actions((await f.history('orders', order.id)).items)).toEqual([
      'order_updated',
      'license_disabled',
      'device_borrowed',
      'license_created',
      'order_created',
    ]);
    expect(actions((await f.history('customers', customer.id)).items)).toEqual([
      'order_updated',
      'license_disabled',
      'device_borrowed',
      'license_created',
      'order_created',
      'customer_created',
    ]);
    expect(actions((await f.history('products', product.id)).items)).toEqual([
      'license_disabled',
      'device_borrowed',
      'license_created',
      'product_created',
    ]);
    const page1 = await f.history('customers', customer.id, '?limit=2');
    const page2 = await f.history('customers', customer.id, `?limit=2&cursor=${page1.nextCursor}`);
    expect(actions([...page1.items, ...page2.items])).toEqual(['order_updated', 'license_disabled', 'device_borrowed', 'license_created']);
  });
});
