/**
 * The vendor domain over HTTP: each module's endpoints, the rules users expect (409/400 with a
 * clear message and no entry), other accounts' items (404), soft deletes with readable histories,
 * the License API's answers, and per-item histories with their related items.
 */
import { type AuditEntry } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { VendorFixtures } from './support/vendor';
import { errorBody, errorMessage, ok, typedClient, type TypedClient } from './support/typed-client';

const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

let t: TestApp;
let client: ApiClient;
let api: TypedClient;
let f: VendorFixtures;
let other: VendorFixtures;
let otherApi: TypedClient;

beforeAll(async () => {
  t = await startApp();
  client = new ApiClient(t.url);
  await client.signup();
  api = typedClient(client);
  f = new VendorFixtures(client);
  const otherClient = new ApiClient(t.url);
  await otherClient.signup();
  other = new VendorFixtures(otherClient);
  otherApi = typedClient(otherClient);
});
afterAll(() => t.close());

/** Runs a call that must be refused with `status`, and checks it wrote no entry. */
async function refused(call: () => Promise<{ status: number; body: unknown }>, status: number, message: RegExp) {
  const before = (await f.latestEntry()).seq;
  const res = await call();
  expect({ status: res.status, message: errorMessage(res) }).toEqual({ status, message: expect.stringMatching(message) });
  expect((await f.latestEntry()).seq).toBe(before);
}

const actions = (entries: AuditEntry[]) => entries.map((e) => e.action);

describe('permission templates', () => {
  it('creates, renames, sets permissions, lists and deletes softly', async () => {
    const created = ok(await api.permissionTemplates.create({ body: { name: 'Support', permissions: ['licenses:read'] } }), 201);
    await refused(() => api.permissionTemplates.create({ body: { name: 'SUPPORT', permissions: [] } }), 409, /already called/);
    const renamed = ok(await api.permissionTemplates.update({ params: { id: created.id }, body: { name: 'Support L1' } }), 200);
    expect(renamed.name).toBe('Support L1');
    const set = ok(await api.permissionTemplates.setPermissions({ params: { id: created.id }, body: { permissions: ['licenses:read', 'devices:write'] } }), 200);
    expect(set.permissions).toEqual(['licenses:read', 'devices:write']);
    // An unknown permission, which the contract's type refuses: sent raw.
    expect((await client.put(`/api/v1/permission-templates/${created.id}/permissions`, { permissions: ['licenses:fly'] })).status).toBe(400);

    ok(await api.permissionTemplates.remove({ params: { id: created.id } }), 204);
    const list = ok(await api.permissionTemplates.list(), 200);
    expect(list.items.map((i) => i.id)).not.toContain(created.id);
    expect((ok(await api.permissionTemplates.get({ params: { id: created.id } }), 200)).deletedAt).not.toBeNull();
    await refused(() => api.permissionTemplates.update({ params: { id: created.id }, body: { name: 'Again' } }), 409, /deleted/);
  });

  it("gives a non-admin user the template's permissions, and refuses deleting a template in use", async () => {
    const template = ok(await api.permissionTemplates.create({ body: { name: 'Licence desk', permissions: ['licenses:read', 'customers:read'] } }), 201);
    const email = uniqueEmail('desk');
    const user = ok(await api.platformUsers.create({ body: { email, name: 'Desk', password: 'desk-password-1', permissionTemplateId: template.id } }), 201);
    const desk = typedClient(new ApiClient(t.url));
    const session = ok(await desk.auth.login({ body: { email, password: 'desk-password-1' } }), 200);
    expect(session.user.permissions.sort()).toEqual(['customers:read', 'licenses:read']);
    expect((await desk.licenses.list()).status).toBe(200);
    expect((await desk.auditLog.list()).status).toBe(403);
    expect((await desk.customers.create({ body: { email: uniqueEmail() } })).status).toBe(403);

    await refused(() => api.permissionTemplates.remove({ params: { id: template.id } }), 409, /1 platform user still uses this template/);
    // A change to the template applies at once.
    ok(await api.permissionTemplates.setPermissions({ params: { id: template.id }, body: { permissions: ['audit_log:read'] } }), 200);
    expect((await desk.auditLog.list()).status).toBe(200);
    expect((await desk.licenses.list()).status).toBe(403);

    ok(await api.platformUsers.update({ params: { id: user.id }, body: { permissionTemplateId: null } }), 200);
    expect((await desk.auditLog.list()).status).toBe(403);
    ok(await api.permissionTemplates.remove({ params: { id: template.id } }), 204);
    await refused(
      () => api.platformUsers.update({ params: { id: user.id }, body: { permissionTemplateId: template.id } }),
      409,
      /permission template is deleted/,
    );
  });

  it("does not let a user be given another account's template (404)", async () => {
    const foreign = ok(await otherApi.permissionTemplates.create({ body: { name: 'Theirs', permissions: [] } }), 201);
    await refused(
      () => api.platformUsers.create({ body: { email: uniqueEmail(), name: 'X', password: 'some-password-1', permissionTemplateId: foreign.id } }),
      404,
      /Permission template not found/,
    );
    expect((await api.permissionTemplates.get({ params: { id: foreign.id } })).status).toBe(404);
    expect((await api.permissionTemplates.remove({ params: { id: foreign.id } })).status).toBe(404);
  });
});

describe('notification policies', () => {
  it('creates, updates, deletes softly, and validates events and recipients', async () => {
    const policy = ok(await api.notificationPolicies.create({ body: { name: 'Expiry', event: 'license_expiring', recipients: ['sales@vendor.test'] } }), 201);
    expect(policy.enabled).toBe(true);
    // An unknown event, which the contract's type refuses: sent raw.
    const bad = await client.post('/api/v1/notification-policies', { name: 'X', event: 'moon_landing', recipients: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.event', 'body.recipients']));
    const updated = ok(await api.notificationPolicies.update({ params: { id: policy.id }, body: { recipients: ['sales@vendor.test', 'ops@vendor.test'] } }), 200);
    expect(updated.recipients).toHaveLength(2);
    ok(await api.notificationPolicies.remove({ params: { id: policy.id } }), 204);
    await refused(() => api.notificationPolicies.update({ params: { id: policy.id }, body: { enabled: false } }), 409, /deleted/);
    expect((await otherApi.notificationPolicies.get({ params: { id: policy.id } })).status).toBe(404);
  });
});

describe('customers', () => {
  it('creates, searches, pages and updates; one email per account', async () => {
    const c = await f.customer({ firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs' });
    await refused(() => api.customers.create({ body: { email: c.email.toUpperCase() } }), 409, /already has the email/);
    const found = ok(await api.customers.list({ query: { search: 'grace hop' } }), 200);
    expect(found.items.map((i) => i.id)).toEqual([c.id]);
    await f.customer();
    const first = ok(await api.customers.list({ query: { limit: 1 } }), 200);
    const second = ok(await api.customers.list({ query: { limit: 1, cursor: first.nextCursor! } }), 200);
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
    const updated = ok(await api.customers.update({ params: { id: c.id }, body: { company: null } }), 200);
    expect(updated.company).toBeNull();
    expect((await api.customers.update({ params: { id: c.id }, body: {} })).status).toBe(400);
  });

  it('refuses deleting a customer with orders; once deleted, hidden from lists but readable with its history', async () => {
    const c = await f.customer();
    const o = await f.order(c.id);
    await refused(() => api.customers.remove({ params: { id: c.id } }), 409, /has 1 order/);
    ok(await api.orders.remove({ params: { id: o.id } }), 204);
    ok(await api.customers.remove({ params: { id: c.id } }), 204);
    const list = ok(await api.customers.list({ query: { limit: 200 } }), 200);
    expect(list.items.map((i) => i.id)).not.toContain(c.id);
    expect((ok(await api.customers.get({ params: { id: c.id } }), 200)).deletedAt).toEqual(expect.any(String));
    await refused(() => api.customers.update({ params: { id: c.id }, body: { firstName: 'Late' } }), 409, /deleted/);
    await refused(() => api.orders.create({ body: { reference: 'TOO-LATE', customerId: c.id } }), 409, /customer is deleted/);
    const history = await f.history('customers', c.id);
    expect(actions(history.items)).toEqual(['customer_deleted', 'order_deleted', 'order_created', 'customer_created']);
  });

  it("answers 404 for another account's customer everywhere", async () => {
    const theirs = await other.customer();
    expect((await api.customers.get({ params: { id: theirs.id } })).status).toBe(404);
    expect((await api.customers.auditLog({ params: { id: theirs.id } })).status).toBe(404);
    await refused(() => api.customers.update({ params: { id: theirs.id }, body: { firstName: 'X' } }), 404, /Customer not found/);
    await refused(() => api.customers.remove({ params: { id: theirs.id } }), 404, /Customer not found/);
    await refused(() => api.orders.create({ body: { reference: 'STEAL-1', customerId: theirs.id } }), 404, /Customer not found/);
  });
});

describe('orders', () => {
  it('keeps references unique, manages managers, filters by customer', async () => {
    const o = await f.order(undefined, { reference: `REF-${Date.now()}` });
    await refused(() => api.orders.create({ body: { reference: o.reference.toLowerCase(), customerId: o.customerId } }), 409, /already has the reference/);
    const withManager = ok(await api.orders.addManager({ params: { id: o.id }, body: { email: 'Boss@Buyer.test' } }), 201);
    expect(withManager.managers.map((m) => m.email)).toEqual(['boss@buyer.test']);
    await refused(() => api.orders.addManager({ params: { id: o.id }, body: { email: 'boss@buyer.test' } }), 409, /already manages/);
    await refused(() => api.orders.removeManager({ params: { id: o.id, managerId: o.id } }), 404, /Order manager not found/);
    const byCustomer = ok(await api.orders.list({ query: { customerId: o.customerId } }), 200);
    expect(byCustomer.items).toEqual([expect.objectContaining({ id: o.id, managers: [expect.objectContaining({ email: 'boss@buyer.test' })] })]);
  });

  it('refuses deleting an order with licenses', async () => {
    const license = await f.license();
    await refused(() => api.orders.remove({ params: { id: license.orderId } }), 409, /has 1 license/);
    ok(await api.licenses.remove({ params: { id: license.id } }), 204);
    ok(await api.orders.remove({ params: { id: license.orderId } }), 204);
    expect((ok(await api.orders.get({ params: { id: license.orderId } }), 200)).deletedAt).toEqual(expect.any(String));
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
        // Bodies the contract refuses (that is the point): sent raw.
        const res = await client.post('/api/v1/licenses', { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: product.id, ...override });
        expect(errorBody(res)?.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
        return res;
      },
      400,
      /./,
    );
  });

  it('refuses licenses for an inactive or archived product, and for other accounts (404)', async () => {
    const [order, product] = await Promise.all([f.order(), f.product()]);
    ok(await api.products.deactivate({ params: { id: product.id } }), 200);
    await refused(() => api.licenses.create({ body: { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: product.id } }), 409, /inactive/);
    const archived = await f.product();
    ok(await api.products.archive({ params: { id: archived.id } }), 200);
    await refused(() => api.licenses.create({ body: { type: 'perpetual', maxActivations: 1, orderId: order.id, productId: archived.id } }), 409, /archived/);
    const theirOrder = await other.order();
    const mine = await f.product();
    await refused(() => api.licenses.create({ body: { type: 'perpetual', maxActivations: 1, orderId: theirOrder.id, productId: mine.id } }), 404, /Order not found/);
  });

  it('refuses state changes that make no sense (409, no entry)', async () => {
    const license = await f.license();
    await refused(() => api.licenses.enable({ params: { id: license.id } }), 409, /already enabled/);
    ok(await api.licenses.disable({ params: { id: license.id } }), 200);
    await refused(() => api.licenses.disable({ params: { id: license.id } }), 409, /already disabled/);
    await refused(() => api.licenses.resetConsumption({ params: { id: license.id } }), 409, /only consumption licenses/);
    await refused(() => api.licenses.reset({ params: { id: license.id } }), 409, /no activations/);
    await refused(() => api.licenses.setFeatures({ params: { id: license.id }, body: { features: ['warp'] } }), 400, /no feature "warp"/);
    await refused(() => api.licenses.update({ params: { id: license.id }, body: { validUntil: inDays(5) } }), 400, /perpetual license does not expire/);
    ok(await api.licenses.assignUser({ params: { id: license.id }, body: { email: 'ann@buyer.test' } }), 201);
    await refused(() => api.licenses.assignUser({ params: { id: license.id }, body: { email: 'ANN@buyer.test' } }), 409, /already assigned/);
    ok(await api.licenses.createCustomField({ params: { id: license.id }, body: { name: 'Seats', value: '5' } }), 201);
    await refused(() => api.licenses.createCustomField({ params: { id: license.id }, body: { name: 'seats', value: '6' } }), 409, /already has a custom field/);
    await refused(() => api.licenses.updateCustomField({ params: { id: license.id, fieldId: license.id }, body: { value: '1' } }), 404, /Custom field not found/);
  });

  it('deletes softly: hidden from lists, readable with its history, no further changes', async () => {
    const license = await f.license();
    ok(await api.licenses.remove({ params: { id: license.id } }), 204);
    const list = ok(await api.licenses.list({ query: { orderId: license.orderId } }), 200);
    expect(list.items).toEqual([]);
    expect((ok(await api.licenses.get({ params: { id: license.id } }), 200)).deletedAt).toEqual(expect.any(String));
    expect(actions((await f.history('licenses', license.id)).items)).toEqual(['license_deleted', 'license_created']);
    await refused(() => api.licenses.disable({ params: { id: license.id } }), 409, /deleted/);
    expect((await f.activate(license.key)).status).toBe(404);
  });

  it("answers 404 for another account's license, its devices and history", async () => {
    const theirs = await other.license();
    const device = await other.device(theirs.key);
    const params = { id: theirs.id };
    for (const read of [() => api.licenses.get({ params }), () => api.devices.listForLicense({ params }), () => api.licenses.auditLog({ params })]) {
      expect((await read()).status).toBe(404);
    }
    await refused(() => api.licenses.disable({ params: { id: theirs.id } }), 404, /License not found/);
    await refused(() => api.devices.blacklist({ params: { id: device.id } }), 404, /Device not found/);
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
    const devices = ok(await api.devices.listForLicense({ params: { id: license.id } }), 200);
    expect(devices.items.map((d) => d.hardwareId)).toEqual(['HW-B', 'HW-A']);
  });

  it('answers 404 for an unknown key, 403 for a disabled license or a blacklisted device, 400 for a bad body', async () => {
    expect((await f.activate('AAAA-BBBB-CCCC-DDDD')).status).toBe(404);
    // A body without hardwareId, which the contract's type refuses: sent raw.
    expect((await client.post('/api/v1/license-api/activations', { licenseKey: 'x' })).status).toBe(400);
    const license = await f.license();
    const device = await f.device(license.key, 'HW-BAD');
    ok(await api.devices.blacklist({ params: { id: device.id } }), 200);
    const blacklisted = await f.activate(license.key, 'HW-BAD');
    expect([blacklisted.status, blacklisted.body.message]).toEqual([403, 'This device is blacklisted for this license']);
    ok(await api.licenses.disable({ params: { id: license.id } }), 200);
    const disabled = await f.activate(license.key, 'HW-NEW');
    expect([disabled.status, disabled.body.message]).toEqual([403, 'This license is disabled']);
  });

  it('frees an activation on device reset and license reset', async () => {
    const license = await f.license({ maxActivations: 1 });
    const device = await f.device(license.key, 'HW-1');
    expect((await f.activate(license.key, 'HW-2')).status).toBe(409);
    ok(await api.devices.reset({ params: { id: device.id } }), 200);
    await refused(() => api.devices.reset({ params: { id: device.id } }), 409, /holds no activation/);
    expect((await f.activate(license.key, 'HW-2')).status).toBe(201);
    const reset = ok(await api.licenses.reset({ params: { id: license.id } }), 200);
    expect(reset.id).toBe(license.id);
    expect((await f.activate(license.key, 'HW-1')).status).toBe(201);
  });

  it('borrows only an active, not blacklisted device until a future date', async () => {
    const license = await f.license({ type: 'time_limited', validUntil: inDays(30) });
    const device = await f.device(license.key);
    await refused(() => api.devices.borrow({ params: { id: device.id }, body: { until: inDays(-1) } }), 400, /in the future/);
    await refused(() => api.devices.borrow({ params: { id: device.id }, body: { until: inDays(60) } }), 400, /validUntil/);
    await refused(() => api.devices.releaseBorrow({ params: { id: device.id } }), 409, /not borrowing/);
    const until = inDays(7);
    const borrowed = ok(await api.devices.borrow({ params: { id: device.id }, body: { until } }), 200);
    expect(borrowed.borrowedUntil).toBe(until);
    ok(await api.devices.blacklist({ params: { id: device.id } }), 200);
    await refused(() => api.devices.blacklist({ params: { id: device.id } }), 409, /already blacklisted/);
    await refused(() => api.devices.borrow({ params: { id: device.id }, body: { until: inDays(2) } }), 409, /blacklisted device cannot borrow/);
  });

  it('counts consumptions from activated devices up to maxConsumptions', async () => {
    const license = await f.license({ type: 'consumption', maxConsumptions: 10 });
    const consume = (hardwareId: string, consumptions: number) =>
      api.licenseApi.consume({ body: { licenseKey: license.key, hardwareId, consumptions } });
    expect((await consume('HW-X', 1)).status).toBe(403);
    await f.device(license.key, 'HW-X');
    expect(ok(await consume('HW-X', 8), 200).consumptions).toBe(8);
    const over = await consume('HW-X', 3);
    expect([over.status, errorMessage(over)]).toEqual([409, 'Only 2 of 10 consumptions are left']);
    ok(await api.licenses.resetConsumption({ params: { id: license.id } }), 200);
    await refused(() => api.licenses.resetConsumption({ params: { id: license.id } }), 409, /no consumptions/);
  });
});

describe('per-item histories', () => {
  it("show an item's own entries and its related items': device → license → order → customer, and the product", async () => {
    const customer = await f.customer();
    const order = await f.order(customer.id);
    const product = await f.product();
    const license = await f.license({ orderId: order.id, productId: product.id });
    const device = await f.device(license.key);
    ok(await api.devices.borrow({ params: { id: device.id }, body: { until: inDays(3) } }), 200);
    ok(await api.licenses.disable({ params: { id: license.id } }), 200);
    ok(await api.orders.update({ params: { id: order.id }, body: { notes: 'Renewal due in spring' } }), 200);

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
