/**
 * The audit catalog, end to end: for every action in the contract's AUDIT_ACTIONS, the HTTP call
 * that produces it, and the entry it must write (action, actor, target, links, changes).
 * PRODUCERS is typed Record<AuditAction, …>: a new action without a producer does not compile, and
 * the last test fails if an action was never written.
 */
import { AUDIT_ACTIONS, type AuditAction, type AuditEntry, type FieldChange, type ItemType } from '@keyledger/contract';
import { randomUUID } from 'node:crypto';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { expectOk, VendorFixtures } from './support/vendor';

interface Expected {
  target: { type: ItemType; id: string; label?: string | RegExp };
  /** Every item the entry must be linked to, target first, parents nearest first. */
  links: Array<{ type: ItemType; id: string }>;
  /** Changes the entry must hold (more may be there). */
  changes: Array<Omit<FieldChange, 'after'> & { after: unknown }>;
}

type Producer = (f: VendorFixtures, api: ApiClient) => Promise<Expected>;

const KEY_HINT = /^\*{4}-\*{4}-\*{4}-[A-Z0-9]{4}$/;
const ANY_TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const ref = (type: ItemType, id: string) => ({ type, id });

async function licenseWithLinks(f: VendorFixtures, overrides: Record<string, unknown> = {}) {
  const license = await f.license(overrides);
  const order = await expectOk<{ customerId: string }>(f.api.get(`/api/v1/orders/${license.orderId}`));
  const links = [ref('license', license.id), ref('order', license.orderId), ref('customer', order.customerId), ref('product', license.productId)];
  return { license, links };
}

async function deviceWithLinks(f: VendorFixtures) {
  const { license, links } = await licenseWithLinks(f);
  const device = await f.device(license.key);
  return { device, license, links: [ref('device', device.id), ...links] };
}

async function template(api: ApiClient) {
  return expectOk<{ id: string; name: string }>(
    api.post('/api/v1/permission-templates', { name: `Support ${randomUUID().slice(0, 6)}`, permissions: ['licenses:read'] }),
  );
}

async function policy(api: ApiClient) {
  return expectOk<{ id: string }>(
    api.post('/api/v1/notification-policies', { name: 'Ops alerts', event: 'license_disabled', recipients: ['ops@vendor.test'] }),
  );
}

async function platformUser(api: ApiClient) {
  return expectOk<{ id: string; name: string; email: string }>(
    api.post('/api/v1/platform-users', { email: uniqueEmail('staff'), name: 'Sam Staff', password: 'staff-password-1' }),
  );
}

const PRODUCERS: Record<AuditAction, Producer> = {
  platform_user_added: async (_f, api) => {
    const email = uniqueEmail('new');
    const u = await expectOk<{ id: string }>(api.post('/api/v1/platform-users', { email, name: 'Nia New', password: 'new-password-1' }));
    return {
      target: { type: 'platform_user', id: u.id, label: `Nia New <${email}>` },
      links: [ref('platform_user', u.id)],
      changes: [
        { field: 'email', before: null, after: email },
        { field: 'password', before: null, after: '[redacted]' },
      ],
    };
  },
  platform_user_updated: async (_f, api) => {
    const u = await platformUser(api);
    await expectOk(api.patch(`/api/v1/platform-users/${u.id}`, { name: 'Sam Senior' }));
    return { target: { type: 'platform_user', id: u.id }, links: [ref('platform_user', u.id)], changes: [{ field: 'name', before: 'Sam Staff', after: 'Sam Senior' }] };
  },
  platform_user_removed: async (_f, api) => {
    const u = await platformUser(api);
    await expectOk(api.delete(`/api/v1/platform-users/${u.id}`));
    return { target: { type: 'platform_user', id: u.id }, links: [ref('platform_user', u.id)], changes: [{ field: 'removedAt', before: null, after: ANY_TIME }] };
  },

  user_permission_template_created: async (_f, api) => {
    const t = await template(api);
    return {
      target: { type: 'permission_template', id: t.id, label: t.name },
      links: [ref('permission_template', t.id)],
      changes: [
        { field: 'name', before: null, after: t.name },
        { field: 'permissions', before: null, after: ['licenses:read'] },
      ],
    };
  },
  user_permission_template_updated: async (_f, api) => {
    const t = await template(api);
    await expectOk(api.patch(`/api/v1/permission-templates/${t.id}`, { description: 'For first-line support' }));
    return {
      target: { type: 'permission_template', id: t.id },
      links: [ref('permission_template', t.id)],
      changes: [{ field: 'description', before: null, after: 'For first-line support' }],
    };
  },
  user_permission_template_permissions_set: async (_f, api) => {
    const t = await template(api);
    await expectOk(api.put(`/api/v1/permission-templates/${t.id}/permissions`, { permissions: ['licenses:read', 'licenses:write'] }));
    return {
      target: { type: 'permission_template', id: t.id },
      links: [ref('permission_template', t.id)],
      changes: [{ field: 'permissions', before: ['licenses:read'], after: ['licenses:read', 'licenses:write'] }],
    };
  },
  user_permission_template_deleted: async (_f, api) => {
    const t = await template(api);
    await expectOk(api.delete(`/api/v1/permission-templates/${t.id}`));
    return { target: { type: 'permission_template', id: t.id }, links: [ref('permission_template', t.id)], changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },

  notification_policy_created: async (_f, api) => {
    const p = await policy(api);
    return {
      target: { type: 'notification_policy', id: p.id, label: 'Ops alerts' },
      links: [ref('notification_policy', p.id)],
      changes: [
        { field: 'event', before: null, after: 'license_disabled' },
        { field: 'recipients', before: null, after: ['ops@vendor.test'] },
      ],
    };
  },
  notification_policy_updated: async (_f, api) => {
    const p = await policy(api);
    await expectOk(api.patch(`/api/v1/notification-policies/${p.id}`, { enabled: false }));
    return { target: { type: 'notification_policy', id: p.id }, links: [ref('notification_policy', p.id)], changes: [{ field: 'enabled', before: true, after: false }] };
  },
  notification_policy_deleted: async (_f, api) => {
    const p = await policy(api);
    await expectOk(api.delete(`/api/v1/notification-policies/${p.id}`));
    return { target: { type: 'notification_policy', id: p.id }, links: [ref('notification_policy', p.id)], changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },

  product_created: async (f) => {
    const p = await f.product({ name: 'Catalog Studio' });
    return { target: { type: 'product', id: p.id, label: 'Catalog Studio' }, links: [ref('product', p.id)], changes: [{ field: 'name', before: null, after: 'Catalog Studio' }] };
  },
  product_updated: async (f, api) => {
    const p = await f.product({ name: 'Before' });
    await expectOk(api.patch(`/api/v1/products/${p.id}`, { name: 'After' }));
    return { target: { type: 'product', id: p.id, label: 'After' }, links: [ref('product', p.id)], changes: [{ field: 'name', before: 'Before', after: 'After' }] };
  },
  product_activated: async (f, api) => {
    const p = await f.product();
    await expectOk(api.post(`/api/v1/products/${p.id}/deactivate`));
    await expectOk(api.post(`/api/v1/products/${p.id}/activate`));
    return { target: { type: 'product', id: p.id }, links: [ref('product', p.id)], changes: [{ field: 'status', before: 'inactive', after: 'active' }] };
  },
  product_deactivated: async (f, api) => {
    const p = await f.product();
    await expectOk(api.post(`/api/v1/products/${p.id}/deactivate`));
    return { target: { type: 'product', id: p.id }, links: [ref('product', p.id)], changes: [{ field: 'status', before: 'active', after: 'inactive' }] };
  },
  product_archived: async (f, api) => {
    const p = await f.product();
    await expectOk(api.post(`/api/v1/products/${p.id}/archive`));
    return { target: { type: 'product', id: p.id }, links: [ref('product', p.id)], changes: [{ field: 'archived', before: false, after: true }] };
  },
  product_unarchived: async (f, api) => {
    const p = await f.product();
    await expectOk(api.post(`/api/v1/products/${p.id}/archive`));
    await expectOk(api.post(`/api/v1/products/${p.id}/unarchive`));
    return { target: { type: 'product', id: p.id }, links: [ref('product', p.id)], changes: [{ field: 'archived', before: true, after: false }] };
  },
  product_deleted: async (f, api) => {
    const p = await f.product();
    await expectOk(api.delete(`/api/v1/products/${p.id}`));
    return { target: { type: 'product', id: p.id }, links: [ref('product', p.id)], changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },

  customer_created: async (f) => {
    const c = await f.customer({ company: 'Initech' });
    return {
      target: { type: 'customer', id: c.id, label: c.email },
      links: [ref('customer', c.id)],
      changes: [
        { field: 'email', before: null, after: c.email },
        { field: 'company', before: null, after: 'Initech' },
      ],
    };
  },
  customer_updated: async (f, api) => {
    const c = await f.customer();
    await expectOk(api.patch(`/api/v1/customers/${c.id}`, { firstName: 'Peter' }));
    return { target: { type: 'customer', id: c.id }, links: [ref('customer', c.id)], changes: [{ field: 'firstName', before: null, after: 'Peter' }] };
  },
  customer_deleted: async (f, api) => {
    const c = await f.customer();
    await expectOk(api.delete(`/api/v1/customers/${c.id}`));
    return { target: { type: 'customer', id: c.id }, links: [ref('customer', c.id)], changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },

  order_created: async (f) => {
    const o = await f.order(undefined, { isTrial: true });
    return {
      target: { type: 'order', id: o.id, label: o.reference },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [
        { field: 'reference', before: null, after: o.reference },
        { field: 'isTrial', before: null, after: true },
      ],
    };
  },
  order_updated: async (f, api) => {
    const o = await f.order();
    await expectOk(api.patch(`/api/v1/orders/${o.id}`, { isTrial: true }));
    return { target: { type: 'order', id: o.id }, links: [ref('order', o.id), ref('customer', o.customerId)], changes: [{ field: 'isTrial', before: false, after: true }] };
  },
  order_manager_added: async (f, api) => {
    const o = await f.order();
    await expectOk(api.post(`/api/v1/orders/${o.id}/managers`, { email: 'it-admin@buyer.test' }));
    return {
      target: { type: 'order', id: o.id, label: o.reference },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'manager.email', before: null, after: 'it-admin@buyer.test' }],
    };
  },
  order_manager_removed: async (f, api) => {
    const o = await f.order();
    const withManager = await expectOk<{ managers: Array<{ id: string }> }>(api.post(`/api/v1/orders/${o.id}/managers`, { email: 'it-admin@buyer.test' }));
    await expectOk(api.delete(`/api/v1/orders/${o.id}/managers/${withManager.managers[0]!.id}`));
    return {
      target: { type: 'order', id: o.id },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'manager.email', before: 'it-admin@buyer.test', after: null }],
    };
  },
  order_deleted: async (f, api) => {
    const o = await f.order();
    await expectOk(api.delete(`/api/v1/orders/${o.id}`));
    return { target: { type: 'order', id: o.id }, links: [ref('order', o.id), ref('customer', o.customerId)], changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },

  license_created: async (f) => {
    const { license, links } = await licenseWithLinks(f, { features: ['sso'] });
    return {
      target: { type: 'license', id: license.id, label: KEY_HINT },
      links,
      changes: [
        { field: 'key', before: null, after: '[redacted]' },
        { field: 'type', before: null, after: 'perpetual' },
        { field: 'enabled', before: null, after: true },
        { field: 'features', before: null, after: ['sso'] },
      ],
    };
  },
  license_updated: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.patch(`/api/v1/licenses/${license.id}`, { maxActivations: 5 }));
    return { target: { type: 'license', id: license.id, label: license.keyHint }, links, changes: [{ field: 'maxActivations', before: 3, after: 5 }] };
  },
  license_reset: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await f.device(license.key, 'HW-RESET-1');
    await expectOk(api.post(`/api/v1/licenses/${license.id}/reset`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'device.HW-RESET-1.active', before: true, after: false }] };
  },
  license_disabled: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'enabled', before: true, after: false }] };
  },
  license_enabled: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    await expectOk(api.post(`/api/v1/licenses/${license.id}/enable`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'enabled', before: false, after: true }] };
  },
  license_consumption_reset: async (f, api) => {
    const { license, links } = await licenseWithLinks(f, { type: 'consumption', maxConsumptions: 100 });
    await f.device(license.key, 'HW-METER');
    await expectOk(api.post('/api/v1/license-api/consumptions', { licenseKey: license.key, hardwareId: 'HW-METER', consumptions: 7 }));
    await expectOk(api.post(`/api/v1/licenses/${license.id}/consumption/reset`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'consumptions', before: 7, after: 0 }] };
  },
  license_user_assigned: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/users`, { email: 'dev@buyer.test', firstName: 'Dana' }));
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [
        { field: 'user.email', before: null, after: 'dev@buyer.test' },
        { field: 'user.firstName', before: null, after: 'Dana' },
      ],
    };
  },
  license_user_unassigned: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    const assigned = await expectOk<{ users: Array<{ id: string }> }>(api.post(`/api/v1/licenses/${license.id}/users`, { email: 'dev@buyer.test' }));
    await expectOk(api.delete(`/api/v1/licenses/${license.id}/users/${assigned.users[0]!.id}`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'user.email', before: 'dev@buyer.test', after: null }] };
  },
  license_features_updated: async (f, api) => {
    const { license, links } = await licenseWithLinks(f, { features: ['sso'] });
    await expectOk(api.put(`/api/v1/licenses/${license.id}/features`, { features: ['sso', 'export'] }));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'features', before: ['sso'], after: ['sso', 'export'] }] };
  },
  license_deleted: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.delete(`/api/v1/licenses/${license.id}`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }] };
  },
  license_custom_field_created: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: 'seats', value: '10' }));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'customField.seats.value', before: null, after: '10' }] };
  },
  license_custom_field_updated: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    const withField = await expectOk<{ customFields: Array<{ id: string }> }>(
      api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: 'seats', value: '10' }),
    );
    await expectOk(api.patch(`/api/v1/licenses/${license.id}/custom-fields/${withField.customFields[0]!.id}`, { value: '20' }));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'customField.seats.value', before: '10', after: '20' }] };
  },
  license_custom_field_deleted: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    const withField = await expectOk<{ customFields: Array<{ id: string }> }>(
      api.post(`/api/v1/licenses/${license.id}/custom-fields`, { name: 'seats', value: '10' }),
    );
    await expectOk(api.delete(`/api/v1/licenses/${license.id}/custom-fields/${withField.customFields[0]!.id}`));
    return { target: { type: 'license', id: license.id }, links, changes: [{ field: 'customField.seats.value', before: '10', after: null }] };
  },

  device_reset: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    await expectOk(api.post(`/api/v1/devices/${device.id}/reset`));
    return { target: { type: 'device', id: device.id, label: 'Build server' }, links, changes: [{ field: 'active', before: true, after: false }] };
  },
  device_blacklisted: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    await expectOk(api.post(`/api/v1/devices/${device.id}/blacklist`));
    return {
      target: { type: 'device', id: device.id },
      links,
      changes: [
        { field: 'blacklisted', before: false, after: true },
        { field: 'active', before: true, after: false },
      ],
    };
  },
  device_borrowed: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await expectOk(api.post(`/api/v1/devices/${device.id}/borrow`, { until }));
    return { target: { type: 'device', id: device.id }, links, changes: [{ field: 'borrowedUntil', before: null, after: until }] };
  },
  device_borrow_released: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await expectOk(api.post(`/api/v1/devices/${device.id}/borrow`, { until }));
    await expectOk(api.post(`/api/v1/devices/${device.id}/borrow/release`));
    return { target: { type: 'device', id: device.id }, links, changes: [{ field: 'borrowedUntil', before: until, after: null }] };
  },
};

describe('the audit catalog: every action is produced by its endpoint', () => {
  let t: TestApp;
  let api: ApiClient;
  let f: VendorFixtures;
  let admin: { id: string; name: string; email: string };

  beforeAll(async () => {
    t = await startApp();
    api = new ApiClient(t.url);
    admin = (await api.signup()).user;
    f = new VendorFixtures(api);
  });
  afterAll(() => t.close());

  it.each(AUDIT_ACTIONS)('%s', async (action) => {
    const produce = PRODUCERS[action];
    expect(produce).toBeDefined();
    const expected = await produce(f, api);
    const entry: AuditEntry = await f.latestEntry();

    expect(entry.action).toBe(action);
    expect(entry.actor).toEqual({ type: 'platform_user', id: admin.id, name: admin.name, email: admin.email });
    expect(entry.target).toMatchObject({ type: expected.target.type, id: expected.target.id });
    if (expected.target.label instanceof RegExp) expect(entry.target.label).toMatch(expected.target.label);
    else if (expected.target.label !== undefined) expect(entry.target.label).toBe(expected.target.label);
    expect(entry.links.map((l) => ({ type: l.type, id: l.id }))).toEqual(expected.links);
    expect(entry.links.every((l) => l.label.length > 0)).toBe(true);
    expect(entry.changes).toEqual(expect.arrayContaining(expected.changes.map((c) => expect.objectContaining(c))));
    expect(entry.context).toMatchObject({ source: 'ui', requestId: expect.any(String) });
  });

  it('wrote every action of the catalog, and no change leaks a license key', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let text = '';
    do {
      const page: { items: AuditEntry[]; nextCursor: string | null } = await expectOk(
        api.get(`/api/v1/audit-log?limit=200${cursor ? `&cursor=${cursor}` : ''}`),
      );
      for (const e of page.items) seen.add(e.action);
      text += JSON.stringify(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(AUDIT_ACTIONS.filter((a) => !seen.has(a))).toEqual([]);
    const licenses = await expectOk<{ items: Array<{ key: string }> }>(api.get('/api/v1/licenses?limit=200'));
    for (const l of licenses.items) expect(text).not.toContain(l.key);
  });
});
