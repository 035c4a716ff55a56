/**
 * The audit catalog, end to end: for every action in the contract's AUDIT_ACTIONS, the HTTP call
 * that produces it, and the entry it must write (action, actor, target, links, changes, context).
 * The Access and security group is covered here once each; its rules (bounds, refusals, unknown
 * emails) are in security-events.int-spec.ts.
 * PRODUCERS is typed Record<AuditAction, …>: a new action without a producer does not compile, and
 * the last test fails if an action was never written.
 */
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditActor,
  type AuditContext,
  type AuditEntry,
  type FieldChange,
  type ItemType,
  type Permission,
} from '@keyledger/contract';
import { IntegrityVerifier } from '../src/integrity/integrity-verifier.service';
import { connectDb } from './support/db';
import { randomUUID } from 'node:crypto';
import { ApiClient, uniqueEmail } from './support/client';
import { type AppWithWorker, startAppWithWorker } from './support/export-jobs';
import { VendorFixtures } from './support/vendor';
import { keyClient, ok, typedClient, type TypedClient } from './support/typed-client';

interface Expected {
  target: { type: ItemType; id: string; label?: string | RegExp };
  /** Every item the entry must be linked to, target first, parents nearest first. */
  links: Array<{ type: ItemType; id: string }>;
  /** Changes the entry must hold (more may be there). */
  changes: Array<Omit<FieldChange, 'after'> & { after: unknown }>;
  /** Who the entry names (the signed-in admin unless given) and the request's source ('ui' unless given). */
  actor?: AuditActor;
  source?: 'ui' | 'api';
  /** The whole context, for entries no request made (the system's). */
  context?: Partial<AuditContext>;
}

interface World {
  jobs: AppWithWorker;
  /** The admin's untyped client (the export helpers take it). */
  client: ApiClient;
  admin: { id: string; name: string; email: string; password: string };
  accountId: string;
}

type Producer = (f: VendorFixtures, api: TypedClient, w: World) => Promise<Expected>;

const KEY_HINT = /^\*{4}-\*{4}-\*{4}-[A-Z0-9]{4}$/;
const ANY_TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);
const ref = (type: ItemType, id: string) => ({ type, id });

async function licenseWithLinks(f: VendorFixtures, overrides: Record<string, unknown> = {}) {
  const license = await f.license(overrides);
  const order = ok(await typedClient(f.api).orders.get({ params: { id: license.orderId } }), 200);
  const links = [
    ref('license', license.id),
    ref('order', license.orderId),
    ref('customer', order.customerId),
    ref('product', license.productId),
  ];
  return { license, links };
}

async function deviceWithLinks(f: VendorFixtures) {
  const { license, links } = await licenseWithLinks(f);
  const device = await f.device(license.key);
  return { device, license, links: [ref('device', device.id), ...links] };
}

async function template(api: TypedClient) {
  return ok(
    await api.permissionTemplates.create({
      body: { name: `Support ${randomUUID().slice(0, 6)}`, permissions: ['licenses:read'] },
    }),
    201,
  );
}

async function policy(api: TypedClient) {
  return ok(
    await api.notificationPolicies.create({
      body: { name: 'Ops alerts', event: 'license_disabled', recipients: ['ops@vendor.test'] },
    }),
    201,
  );
}

async function platformUser(api: TypedClient) {
  return ok(
    await api.platformUsers.create({
      body: { email: uniqueEmail('staff'), name: 'Sam Staff', password: 'staff-password-1' },
    }),
    201,
  );
}

const asAdmin = (w: World) => ({
  type: 'platform_user' as const,
  id: w.admin.id,
  name: w.admin.name,
  email: w.admin.email,
});
const adminRef = (w: World) => ref('platform_user', w.admin.id);

async function apiKey(api: TypedClient, permissions: Permission[]) {
  return ok(
    await api.apiKeys.create({
      body: { name: `Deploy bot ${randomUUID().slice(0, 6)}`, permissions },
    }),
    201,
  );
}

/** A webhook signing secret (Standard Webhooks form) that must never appear in an entry. */
const STREAM_SECRET = `whsec_${Buffer.from(randomUUID() + randomUUID())
  .toString('base64')
  .slice(0, 48)}`;

/** A paused stream to a port nobody listens on (the worker must not keep retrying during the catalog). */
async function logStream(api: TypedClient) {
  const s = ok(
    await api.logStreams.create({
      body: {
        name: `SIEM ${randomUUID().slice(0, 6)}`,
        destination: {
          type: 'webhook',
          url: 'https://127.0.0.1:9/hook',
          signingSecret: STREAM_SECRET,
        },
        filter: {},
        startPoint: 'now',
      },
    }),
    201,
  );
  return ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
}

const streamRef = (s: { id: string }) => ref('log_stream', s.id);

const PRODUCERS: Record<AuditAction, Producer> = {
  platform_user_added: async (_f, api) => {
    const email = uniqueEmail('new');
    const u = ok(
      await api.platformUsers.create({
        body: { email, name: 'Nia New', password: 'new-password-1' },
      }),
      201,
    );
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
    ok(await api.platformUsers.update({ params: { id: u.id }, body: { name: 'Sam Senior' } }), 200);
    return {
      target: { type: 'platform_user', id: u.id },
      links: [ref('platform_user', u.id)],
      changes: [{ field: 'name', before: 'Sam Staff', after: 'Sam Senior' }],
    };
  },
  platform_user_removed: async (_f, api) => {
    const u = await platformUser(api);
    ok(await api.platformUsers.remove({ params: { id: u.id } }), 204);
    return {
      target: { type: 'platform_user', id: u.id },
      links: [ref('platform_user', u.id)],
      changes: [{ field: 'removedAt', before: null, after: ANY_TIME }],
    };
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
    ok(
      await api.permissionTemplates.update({
        params: { id: t.id },
        body: { description: 'For first-line support' },
      }),
      200,
    );
    return {
      target: { type: 'permission_template', id: t.id },
      links: [ref('permission_template', t.id)],
      changes: [{ field: 'description', before: null, after: 'For first-line support' }],
    };
  },
  user_permission_template_permissions_set: async (_f, api) => {
    const t = await template(api);
    ok(
      await api.permissionTemplates.setPermissions({
        params: { id: t.id },
        body: { permissions: ['licenses:read', 'licenses:write'] },
      }),
      200,
    );
    return {
      target: { type: 'permission_template', id: t.id },
      links: [ref('permission_template', t.id)],
      changes: [
        {
          field: 'permissions',
          before: ['licenses:read'],
          after: ['licenses:read', 'licenses:write'],
        },
      ],
    };
  },
  user_permission_template_deleted: async (_f, api) => {
    const t = await template(api);
    ok(await api.permissionTemplates.remove({ params: { id: t.id } }), 204);
    return {
      target: { type: 'permission_template', id: t.id },
      links: [ref('permission_template', t.id)],
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
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
    ok(
      await api.notificationPolicies.update({ params: { id: p.id }, body: { enabled: false } }),
      200,
    );
    return {
      target: { type: 'notification_policy', id: p.id },
      links: [ref('notification_policy', p.id)],
      changes: [{ field: 'enabled', before: true, after: false }],
    };
  },
  notification_policy_deleted: async (_f, api) => {
    const p = await policy(api);
    ok(await api.notificationPolicies.remove({ params: { id: p.id } }), 204);
    return {
      target: { type: 'notification_policy', id: p.id },
      links: [ref('notification_policy', p.id)],
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
  },

  product_created: async (f) => {
    const p = await f.product({ name: 'Catalog Studio' });
    return {
      target: { type: 'product', id: p.id, label: 'Catalog Studio' },
      links: [ref('product', p.id)],
      changes: [{ field: 'name', before: null, after: 'Catalog Studio' }],
    };
  },
  product_updated: async (f, api) => {
    const p = await f.product({ name: 'Before' });
    ok(await api.products.update({ params: { id: p.id }, body: { name: 'After' } }), 200);
    return {
      target: { type: 'product', id: p.id, label: 'After' },
      links: [ref('product', p.id)],
      changes: [{ field: 'name', before: 'Before', after: 'After' }],
    };
  },
  product_activated: async (f, api) => {
    const p = await f.product();
    ok(await api.products.deactivate({ params: { id: p.id } }), 200);
    ok(await api.products.activate({ params: { id: p.id } }), 200);
    return {
      target: { type: 'product', id: p.id },
      links: [ref('product', p.id)],
      changes: [{ field: 'status', before: 'inactive', after: 'active' }],
    };
  },
  product_deactivated: async (f, api) => {
    const p = await f.product();
    ok(await api.products.deactivate({ params: { id: p.id } }), 200);
    return {
      target: { type: 'product', id: p.id },
      links: [ref('product', p.id)],
      changes: [{ field: 'status', before: 'active', after: 'inactive' }],
    };
  },
  product_archived: async (f, api) => {
    const p = await f.product();
    ok(await api.products.archive({ params: { id: p.id } }), 200);
    return {
      target: { type: 'product', id: p.id },
      links: [ref('product', p.id)],
      changes: [{ field: 'archived', before: false, after: true }],
    };
  },
  product_unarchived: async (f, api) => {
    const p = await f.product();
    ok(await api.products.archive({ params: { id: p.id } }), 200);
    ok(await api.products.unarchive({ params: { id: p.id } }), 200);
    return {
      target: { type: 'product', id: p.id },
      links: [ref('product', p.id)],
      changes: [{ field: 'archived', before: true, after: false }],
    };
  },
  product_deleted: async (f, api) => {
    const p = await f.product();
    ok(await api.products.remove({ params: { id: p.id } }), 204);
    return {
      target: { type: 'product', id: p.id },
      links: [ref('product', p.id)],
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
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
    ok(await api.customers.update({ params: { id: c.id }, body: { firstName: 'Peter' } }), 200);
    return {
      target: { type: 'customer', id: c.id },
      links: [ref('customer', c.id)],
      changes: [{ field: 'firstName', before: null, after: 'Peter' }],
    };
  },
  customer_deleted: async (f, api) => {
    const c = await f.customer();
    ok(await api.customers.remove({ params: { id: c.id } }), 204);
    return {
      target: { type: 'customer', id: c.id },
      links: [ref('customer', c.id)],
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
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
    ok(await api.orders.update({ params: { id: o.id }, body: { isTrial: true } }), 200);
    return {
      target: { type: 'order', id: o.id },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'isTrial', before: false, after: true }],
    };
  },
  order_manager_added: async (f, api) => {
    const o = await f.order();
    ok(
      await api.orders.addManager({ params: { id: o.id }, body: { email: 'it-admin@buyer.test' } }),
      201,
    );
    return {
      target: { type: 'order', id: o.id, label: o.reference },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'manager.email', before: null, after: 'it-admin@buyer.test' }],
    };
  },
  order_manager_removed: async (f, api) => {
    const o = await f.order();
    const withManager = ok(
      await api.orders.addManager({ params: { id: o.id }, body: { email: 'it-admin@buyer.test' } }),
      201,
    );
    ok(
      await api.orders.removeManager({
        params: { id: o.id, managerId: withManager.managers[0]!.id },
      }),
      200,
    );
    return {
      target: { type: 'order', id: o.id },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'manager.email', before: 'it-admin@buyer.test', after: null }],
    };
  },
  order_deleted: async (f, api) => {
    const o = await f.order();
    ok(await api.orders.remove({ params: { id: o.id } }), 204);
    return {
      target: { type: 'order', id: o.id },
      links: [ref('order', o.id), ref('customer', o.customerId)],
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
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
    ok(await api.licenses.update({ params: { id: license.id }, body: { maxActivations: 5 } }), 200);
    return {
      target: { type: 'license', id: license.id, label: license.keyHint },
      links,
      changes: [{ field: 'maxActivations', before: 3, after: 5 }],
    };
  },
  license_reset: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    await f.device(license.key, 'HW-RESET-1');
    ok(await api.licenses.reset({ params: { id: license.id } }), 200);
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'device.HW-RESET-1.active', before: true, after: false }],
    };
  },
  license_disabled: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    ok(await api.licenses.disable({ params: { id: license.id } }), 200);
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'enabled', before: true, after: false }],
    };
  },
  license_enabled: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    ok(await api.licenses.disable({ params: { id: license.id } }), 200);
    ok(await api.licenses.enable({ params: { id: license.id } }), 200);
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'enabled', before: false, after: true }],
    };
  },
  license_consumption_reset: async (f, api) => {
    const { license, links } = await licenseWithLinks(f, {
      type: 'consumption',
      maxConsumptions: 100,
    });
    await f.device(license.key, 'HW-METER');
    ok(
      await api.licenseApi.consume({
        body: { licenseKey: license.key, hardwareId: 'HW-METER', consumptions: 7 },
      }),
      200,
    );
    ok(await api.licenses.resetConsumption({ params: { id: license.id } }), 200);
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'consumptions', before: 7, after: 0 }],
    };
  },
  license_user_assigned: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    ok(
      await api.licenses.assignUser({
        params: { id: license.id },
        body: { email: 'dev@buyer.test', firstName: 'Dana' },
      }),
      201,
    );
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
    const assigned = ok(
      await api.licenses.assignUser({
        params: { id: license.id },
        body: { email: 'dev@buyer.test' },
      }),
      201,
    );
    ok(
      await api.licenses.unassignUser({
        params: { id: license.id, licenseUserId: assigned.users[0]!.id },
      }),
      200,
    );
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'user.email', before: 'dev@buyer.test', after: null }],
    };
  },
  license_features_updated: async (f, api) => {
    const { license, links } = await licenseWithLinks(f, { features: ['sso'] });
    ok(
      await api.licenses.setFeatures({
        params: { id: license.id },
        body: { features: ['sso', 'export'] },
      }),
      200,
    );
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'features', before: ['sso'], after: ['sso', 'export'] }],
    };
  },
  license_deleted: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    ok(await api.licenses.remove({ params: { id: license.id } }), 204);
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'deletedAt', before: null, after: ANY_TIME }],
    };
  },
  license_custom_field_created: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    ok(
      await api.licenses.createCustomField({
        params: { id: license.id },
        body: { name: 'seats', value: '10' },
      }),
      201,
    );
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'customField.seats.value', before: null, after: '10' }],
    };
  },
  license_custom_field_updated: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    const withField = ok(
      await api.licenses.createCustomField({
        params: { id: license.id },
        body: { name: 'seats', value: '10' },
      }),
      201,
    );
    ok(
      await api.licenses.updateCustomField({
        params: { id: license.id, fieldId: withField.customFields[0]!.id },
        body: { value: '20' },
      }),
      200,
    );
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'customField.seats.value', before: '10', after: '20' }],
    };
  },
  license_custom_field_deleted: async (f, api) => {
    const { license, links } = await licenseWithLinks(f);
    const withField = ok(
      await api.licenses.createCustomField({
        params: { id: license.id },
        body: { name: 'seats', value: '10' },
      }),
      201,
    );
    ok(
      await api.licenses.deleteCustomField({
        params: { id: license.id, fieldId: withField.customFields[0]!.id },
      }),
      200,
    );
    return {
      target: { type: 'license', id: license.id },
      links,
      changes: [{ field: 'customField.seats.value', before: '10', after: null }],
    };
  },

  device_reset: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    ok(await api.devices.reset({ params: { id: device.id } }), 200);
    return {
      target: { type: 'device', id: device.id, label: 'Build server' },
      links,
      changes: [{ field: 'active', before: true, after: false }],
    };
  },
  device_blacklisted: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    ok(await api.devices.blacklist({ params: { id: device.id } }), 200);
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
    ok(await api.devices.borrow({ params: { id: device.id }, body: { until } }), 200);
    return {
      target: { type: 'device', id: device.id },
      links,
      changes: [{ field: 'borrowedUntil', before: null, after: until }],
    };
  },
  device_borrow_released: async (f, api) => {
    const { device, links } = await deviceWithLinks(f);
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    ok(await api.devices.borrow({ params: { id: device.id }, body: { until } }), 200);
    ok(await api.devices.releaseBorrow({ params: { id: device.id } }), 200);
    return {
      target: { type: 'device', id: device.id },
      links,
      changes: [{ field: 'borrowedUntil', before: until, after: null }],
    };
  },

  user_signed_in: async (_f, _api, w) => {
    const browser = typedClient(new ApiClient(w.jobs.t.url));
    ok(
      await browser.auth.login({ body: { email: w.admin.email, password: w.admin.password } }),
      200,
    );
    return {
      target: {
        type: 'platform_user',
        id: w.admin.id,
        label: `${w.admin.name} <${w.admin.email}>`,
      },
      links: [adminRef(w)],
      changes: [{ field: 'method', before: null, after: 'password' }],
    };
  },
  user_sign_in_failed: async (_f, _api, w) => {
    const res = await typedClient(new ApiClient(w.jobs.t.url)).auth.login({
      body: { email: w.admin.email, password: 'not-the-password' },
    });
    expect(res.status).toBe(401);
    return {
      target: { type: 'platform_user', id: w.admin.id },
      links: [adminRef(w)],
      changes: [{ field: 'reason', before: null, after: 'wrong password' }],
    };
  },
  user_signed_out: async (_f, _api, w) => {
    const browser = typedClient(new ApiClient(w.jobs.t.url));
    ok(
      await browser.auth.login({ body: { email: w.admin.email, password: w.admin.password } }),
      200,
    );
    expect((await browser.auth.logout()).status).toBe(204);
    return {
      target: { type: 'platform_user', id: w.admin.id },
      links: [adminRef(w)],
      changes: [{ field: 'session', before: null, after: 'ended' }],
    };
  },
  user_password_changed: async (_f, api) => {
    const u = await platformUser(api);
    ok(
      await api.platformUsers.update({
        params: { id: u.id },
        body: { password: 'a-new-password-2' },
      }),
      200,
    );
    return {
      target: { type: 'platform_user', id: u.id, label: `${u.name} <${u.email}>` },
      links: [ref('platform_user', u.id)],
      changes: [{ field: 'password', before: '[redacted]', after: '[redacted]' }],
    };
  },
  user_sessions_revoked: async (_f, api, w) => {
    const u = await platformUser(api);
    ok(
      await typedClient(new ApiClient(w.jobs.t.url)).auth.login({
        body: { email: u.email, password: 'staff-password-1' },
      }),
      200,
    );
    ok(await api.platformUsers.remove({ params: { id: u.id } }), 204);
    return {
      target: { type: 'platform_user', id: u.id },
      links: [ref('platform_user', u.id)],
      changes: [
        { field: 'sessionsEnded', before: null, after: 1 },
        { field: 'reason', before: null, after: 'user removed' },
      ],
    };
  },
  api_key_created: async (_f, api) => {
    const key = await apiKey(api, ['products:read']);
    return {
      target: { type: 'api_key', id: key.id, label: key.name },
      links: [ref('api_key', key.id)],
      changes: [
        { field: 'name', before: null, after: key.name },
        { field: 'permissions', before: null, after: ['products:read'] },
        { field: 'secret', before: null, after: '[redacted]' },
      ],
    };
  },
  api_key_revoked: async (_f, api) => {
    const key = await apiKey(api, ['products:read']);
    ok(await api.apiKeys.revoke({ params: { id: key.id } }), 204);
    return {
      target: { type: 'api_key', id: key.id, label: key.name },
      links: [ref('api_key', key.id)],
      changes: [{ field: 'revokedAt', before: null, after: ANY_TIME }],
    };
  },
  audit_log_export_requested: async (_f, api) => {
    const created = ok(
      await api.auditExports.create({ body: { format: 'csv', filter: { q: 'group:licenses' } } }),
      202,
    );
    return {
      target: { type: 'audit_export', id: created.id, label: 'Audit log export (CSV)' },
      links: [ref('audit_export', created.id)],
      changes: [
        { field: 'format', before: null, after: 'csv' },
        { field: 'filter', before: null, after: '13 actions' },
      ],
    };
  },
  audit_log_export_downloaded: async (_f, api, w) => {
    const created = ok(
      await api.auditExports.create({ body: { format: 'ndjson', filter: {} } }),
      202,
    );
    const done = await w.jobs.finished(w.client, created.id);
    const file = await w.jobs.download(done.downloadUrl!, {
      'user-agent': 'catalog-test-downloader',
    });
    expect(file.status).toBe(200);
    return {
      target: { type: 'audit_export', id: created.id, label: 'Audit log export (NDJSON)' },
      links: [ref('audit_export', created.id)],
      changes: [{ field: 'via', before: null, after: 'download link, not signed in' }],
    };
  },
  permission_denied: async (_f, api, w) => {
    const key = await apiKey(api, ['products:read']);
    const res = await keyClient(w.jobs.t.url, key.secret).products.create({
      body: { name: 'Not allowed', code: 'nope' },
    });
    expect(res.status).toBe(403);
    return {
      actor: { type: 'api_key', id: key.id, name: key.name, email: null },
      source: 'api',
      target: { type: 'api_key', id: key.id, label: key.name },
      links: [ref('api_key', key.id)],
      changes: [
        { field: 'route', before: null, after: 'POST /api/v1/products' },
        { field: 'permission', before: null, after: 'products:write' },
      ],
    };
  },
  // Last in the catalog: it breaks the shared account's chain (an entry changed as a superuser would),
  // and a full verification finds it and writes the entry as the system.
  audit_log_integrity_broken: async (_f, api, w) => {
    const db = await connectDb();
    try {
      await db.query('BEGIN');
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query(
        `UPDATE audit_entries SET target_label = 'Forged' WHERE account_id = $1 AND seq = 2`,
        [w.accountId],
      );
      await db.query('COMMIT');
      // A full verification (the worker's job, run here in the test process): the incremental verifier
      // may have verified entry 2 before it was changed, and does not read it again.
      const runId = randomUUID();
      await db.query(
        `INSERT INTO audit_integrity_runs (id, account_id, kind, trigger, requested_by_type, requested_by_name) VALUES ($1, $2, 'full', 'manual', 'system', 'catalog test')`,
        [runId, w.accountId],
      );
      await w.jobs.t.app.get(IntegrityVerifier).runFull(runId);
      expect(ok(await api.auditIntegrity.verify(), 200)).toMatchObject({
        ok: false,
        firstBrokenSeq: 2,
      });
      // The worker's incremental verifier runs in the background and may reach the forged entry before
      // the full run does; whichever finds it first raises the break, once, naming its own run.
      const raised = await db.query<{ id: string; kind: string }>(
        `SELECT r.id, r.kind FROM audit_entries e JOIN audit_integrity_runs r ON r.id = e.target_id AND r.account_id = e.account_id
          WHERE e.account_id = $1 AND e.action = 'audit_log_integrity_broken'`,
        [w.accountId],
      );
      expect(raised.rows).toHaveLength(1);
      const by = raised.rows[0]!;
      if (by.kind === 'full') expect(by.id).toBe(runId);
      return {
        actor: { type: 'system', id: null, name: 'Keyledger', email: null },
        context: { source: 'system', requestId: null, ip: null, userAgent: null },
        target: { type: 'audit_verification', id: by.id, label: 'Audit log integrity check' },
        links: [ref('audit_verification', by.id)],
        changes: [
          { field: 'firstBrokenSeq', before: null, after: 2 },
          {
            field: 'foundBy',
            before: null,
            after: by.kind === 'full' ? 'full verification' : 'incremental verification',
          },
        ],
      };
    } finally {
      await db.end();
    }
  },
  log_stream_created: async (_f, api) => {
    const s = ok(
      await api.logStreams.create({
        body: {
          name: 'Splunk SIEM',
          destination: {
            type: 'webhook',
            url: 'https://127.0.0.1:9/created',
            signingSecret: STREAM_SECRET,
          },
          filter: { q: 'group:licenses' },
          startPoint: 'beginning',
        },
      }),
      201,
    );
    ok(await api.logStreams.pause({ params: { id: s.id } }), 200);
    return {
      target: { type: 'log_stream', id: s.id, label: 'Splunk SIEM' },
      links: [streamRef(s)],
      changes: [
        { field: 'name', before: null, after: 'Splunk SIEM' },
        { field: 'destination.url', before: null, after: 'https://127.0.0.1:9/created' },
        { field: 'destination.signingSecret', before: null, after: '[redacted]' },
        { field: 'filter', before: null, after: '13 actions' },
        { field: 'startPoint', before: null, after: 'beginning' },
      ],
    };
  },
  log_stream_updated: async (_f, api) => {
    const s = await logStream(api);
    ok(
      await api.logStreams.update({
        params: { id: s.id },
        body: { name: 'Renamed', destination: { signingSecret: STREAM_SECRET.replace(/.$/, 'Q') } },
      }),
      200,
    );
    return {
      target: { type: 'log_stream', id: s.id, label: 'Renamed' },
      links: [streamRef(s)],
      changes: [
        { field: 'name', before: s.name, after: 'Renamed' },
        { field: 'destination.signingSecret', before: '[redacted]', after: '[redacted]' },
      ],
    };
  },
  log_stream_paused: async (_f, api) => {
    const s = await logStream(api);
    return {
      target: { type: 'log_stream', id: s.id, label: s.name },
      links: [streamRef(s)],
      changes: [{ field: 'status', before: 'active', after: 'paused' }],
    };
  },
  log_stream_resumed: async (_f, api) => {
    const s = await logStream(api);
    ok(await api.logStreams.resume({ params: { id: s.id } }), 200);
    // Nothing listens on its port: delete it, so the worker does not keep retrying through the catalog.
    ok(await api.logStreams.remove({ params: { id: s.id } }), 204);
    return {
      target: { type: 'log_stream', id: s.id, label: s.name },
      links: [streamRef(s)],
      changes: [{ field: 'status', before: 'paused', after: 'active' }],
    };
  },
  log_stream_deleted: async (_f, api) => {
    const s = await logStream(api);
    ok(await api.logStreams.remove({ params: { id: s.id } }), 204);
    expect((await api.logStreams.get({ params: { id: s.id } })).status).toBe(404);
    return {
      target: { type: 'log_stream', id: s.id, label: s.name },
      links: [streamRef(s)],
      changes: [
        { field: 'deletedAt', before: null, after: ANY_TIME },
        { field: 'destination.url', before: null, after: 'https://127.0.0.1:9/hook' },
      ],
    };
  },
  log_stream_backfilled: async (_f, api) => {
    const s = await logStream(api);
    const delivered = s.deliveredThroughSeq;
    const after = ok(
      await api.logStreams.backfill({ params: { id: s.id }, body: { fromSeq: 2 } }),
      200,
    );
    expect(after.deliveredThroughSeq).toBe(1);
    return {
      target: { type: 'log_stream', id: s.id, label: s.name },
      links: [streamRef(s)],
      changes: [
        { field: 'deliveredThroughSeq', before: delivered, after: 1 },
        { field: 'fromSeq', before: null, after: 2 },
      ],
    };
  },
};

describe('the audit catalog: every action is produced by its endpoint', () => {
  let jobs: AppWithWorker;
  let api: TypedClient;
  let f: VendorFixtures;
  let w: World;

  beforeAll(async () => {
    // Log streams point at 127.0.0.1 (nothing listens there): private addresses allowed for this run.
    jobs = await startAppWithWorker({ LOG_STREAM_ALLOW_PRIVATE_NETWORKS: 'true' });
    const client = new ApiClient(jobs.t.url);
    const signedUp = await client.signup();
    api = typedClient(client);
    w = {
      jobs,
      client,
      admin: { ...signedUp.user, password: signedUp.password },
      accountId: signedUp.account.id,
    };
    f = new VendorFixtures(client);
  });
  afterAll(() => jobs.close());

  it.each(AUDIT_ACTIONS)('%s', async (action) => {
    const produce = PRODUCERS[action];
    expect(produce).toBeDefined();
    const expected = await produce(f, api, w);
    // The newest entry of this action (an action may write more than one entry, e.g. a password
    // change through PATCH /platform-users/:id is also a platform_user_updated).
    const page = ok(await api.auditLog.list({ query: { action, limit: 1 } }), 200);
    const entry = page.items[0]!;
    expect(entry).toBeDefined();

    expect(entry.action).toBe(action);
    expect(entry.actor).toEqual(expected.actor ?? asAdmin(w));
    expect(entry.target).toMatchObject({ type: expected.target.type, id: expected.target.id });
    if (expected.target.label instanceof RegExp)
      expect(entry.target.label).toMatch(expected.target.label);
    else if (expected.target.label !== undefined)
      expect(entry.target.label).toBe(expected.target.label);
    expect(entry.links.map((l) => ({ type: l.type, id: l.id }))).toEqual(expected.links);
    expect(entry.links.every((l) => l.label.length > 0)).toBe(true);
    expect(entry.changes).toEqual(
      expect.arrayContaining(expected.changes.map((c) => expect.objectContaining(c))),
    );
    expect(entry.context).toMatchObject(
      expected.context ?? {
        source: expected.source ?? 'ui',
        requestId: expect.any(String),
        ip: '127.0.0.1',
        userAgent: expect.any(String),
      },
    );
  });

  it('wrote every action of the catalog, and no change leaks a license key', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let text = '';
    do {
      const page: { items: AuditEntry[]; nextCursor: string | null } = ok(
        await api.auditLog.list({ query: { limit: 200, cursor: cursor ?? undefined } }),
        200,
      );
      for (const e of page.items) seen.add(e.action);
      text += JSON.stringify(page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(AUDIT_ACTIONS.filter((a) => !seen.has(a))).toEqual([]);
    const licenses = ok(await api.licenses.list({ query: { limit: 200 } }), 200);
    for (const l of licenses.items) expect(text).not.toContain(l.key);
    // Nor a log stream's signing secret (nor any part of its key material).
    expect(text).not.toContain(STREAM_SECRET);
    expect(text).not.toContain(STREAM_SECRET.slice('whsec_'.length));
  });
});
