/**
 * Walks every route of the contract: each declares who may call it (public, any signed-in user, or
 * one permission); without a session every non-public route answers 401, and a signed-in user whose
 * permission template lacks the route's permission gets 403. A route added without metadata fails here.
 */
import { randomUUID } from 'node:crypto';
import { type AppRoute, type AppRouter } from '@ts-rest/core';
import { contract, PERMISSIONS, type Permission, type RouteMetadata } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { callRoute, CONTRACT_ROUTES, type ContractRoute, fillPath, walkRoutes } from './support/contract-routes';
import { ok, typedClient, type TypedClient } from './support/typed-client';

type Shape = 'public' | 'authenticated' | 'permission';

function shapeOf(metadata: unknown): Shape | null {
  if (typeof metadata !== 'object' || metadata === null) return null;
  const m = metadata as Record<string, unknown>;
  // `sessionOnly: true` may go with a permission (routes an API key may not call).
  const keys = Object.keys(metadata).filter((k) => !(k === 'sessionOnly' && m.sessionOnly === true && 'permission' in m));
  if (keys.length !== 1) return null;
  if (m.public === true) return 'public';
  if (m.authenticated === true) return 'authenticated';
  if (typeof m.permission === 'string' && (PERMISSIONS as readonly string[]).includes(m.permission)) return 'permission';
  return null;
}

const ROUTES = CONTRACT_ROUTES;
const guarded = ROUTES.filter((r) => shapeOf(r.route.metadata) !== 'public');
const needing = guarded.filter((r) => shapeOf(r.route.metadata) === 'permission');
const authenticatedOnly = guarded.filter((r) => shapeOf(r.route.metadata) === 'authenticated');
const permissionOf = (r: ContractRoute) => (r.route.metadata as Extract<RouteMetadata, { permission: Permission }>).permission;

let t: TestApp;
let admin: TypedClient;
/**
 * The route walks below send through the untyped client on purpose: they call every route of the
 * contract generically (callRoute), so no one call has a static type.
 *
 * For each permission, a signed-in non-admin user whose template grants every permission but that one. */
const lacking = new Map<Permission, ApiClient>();
/** A non-admin user with no template: no permission at all. */
let nobody: ApiClient;

async function userWith(permissions: readonly Permission[] | null): Promise<ApiClient> {
  let permissionTemplateId: string | null = null;
  if (permissions) {
    const template = ok(await admin.permissionTemplates.create({ body: { name: `Template ${randomUUID().slice(0, 8)}`, permissions: [...permissions] } }), 201);
    permissionTemplateId = template.id;
  }
  const email = uniqueEmail('staff');
  const password = 'staff-password-1';
  ok(await admin.platformUsers.create({ body: { email, name: 'Staff', password, permissionTemplateId } }), 201);
  const client = new ApiClient(t.url);
  ok(await typedClient(client).auth.login({ body: { email, password } }), 200);
  return client;
}

beforeAll(async () => {
  t = await startApp({ LOGIN_RATE_LIMIT: '100000' });
  const adminClient = new ApiClient(t.url);
  await adminClient.signup();
  admin = typedClient(adminClient);
  const clients = await Promise.all(PERMISSIONS.map((p) => userWith(PERMISSIONS.filter((q) => q !== p))));
  PERMISSIONS.forEach((p, i) => lacking.set(p, clients[i]!));
  nobody = await userWith(null);
}, 120_000);
afterAll(() => t.close());

describe('the contract', () => {
  it('has routes to walk', () => {
    expect(ROUTES.length).toBeGreaterThan(50);
    expect(needing.length).toBeGreaterThan(40);
  });

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s declares public, authenticated or one known permission', (_, r) => {
    expect({ route: r.name, shape: shapeOf(r.route.metadata) }).toEqual({ route: r.name, shape: expect.stringMatching(/^(public|authenticated|permission)$/) });
  });

  it('finds a route without metadata (the walk itself is sound)', () => {
    const broken = { ...contract, extra: { nested: { method: 'GET', path: '/api/v1/nowhere', responses: {} } as AppRoute } };
    const found = walkRoutes(broken as unknown as AppRouter).find((r) => r.name === 'extra.nested');
    expect(found && shapeOf(found.route.metadata)).toBeNull();
  });
});

describe('without a session', () => {
  it.each(guarded.map((r) => [`${r.route.method} ${r.route.path}`, r] as const))('%s answers 401', async (_, r) => {
    const res = await callRoute(new ApiClient(t.url), r.route);
    expect({ status: res.status, message: typeof res.body?.message }).toEqual({ status: 401, message: 'string' });
  });

  it.each(guarded.map((r) => [`${r.route.method} ${r.route.path}`, r] as const))('%s answers 401 to a session cookie that is not one', async (_, r) => {
    const res = await callRoute(new ApiClient(t.url), r.route, fillPath(r.route), { cookie: 'kl_session=forged; kl_csrf=x', 'x-csrf-token': 'x' });
    expect(res.status).toBe(401);
  });

  it.each(guarded.map((r) => [`${r.route.method} ${r.route.path}`, r] as const))('%s answers 401 to an unknown API key', async (_, r) => {
    const res = await callRoute(new ApiClient(t.url), r.route, fillPath(r.route), { authorization: `Bearer kl_live_${randomUUID()}` });
    expect(res.status).toBe(401);
  });
});

describe('a signed-in user lacking the permission', () => {
  it.each(needing.map((r) => [`${r.route.method} ${r.route.path} (${permissionOf(r)})`, r] as const))('%s answers 403', async (_, r) => {
    for (const client of [lacking.get(permissionOf(r))!, nobody]) {
      const res = await callRoute(client, r.route);
      expect({ status: res.status, message: res.body?.message }).toEqual({ status: 403, message: expect.stringContaining(permissionOf(r)) });
    }
  });

  it('is let through where it holds the permission (the 403 is about the permission, not the user)', async () => {
    // The user lacking products:write may still read products, and vice versa.
    expect((await typedClient(lacking.get('products:write')!).products.list()).status).toBe(200);
    expect((await typedClient(lacking.get('products:read')!).products.create({ body: { name: 'Allowed', code: `ok-${randomUUID().slice(0, 6)}` } })).status).toBe(201);
  });

  it.each(authenticatedOnly.map((r) => [`${r.route.method} ${r.route.path}`, r] as const))('%s is allowed to any signed-in user', async (_, r) => {
    const client = await userWith(null);
    // Routes that need a body get a valid one (the user's own password change needs the current password).
    const bodies: Record<string, unknown> = { 'auth.changePassword': { currentPassword: 'staff-password-1', newPassword: 'another-password-2' } };
    const res = await callRoute(client, r.route, fillPath(r.route), {}, bodies[r.name]);
    expect(res.status).toBeLessThan(300);
  }, 30_000);
});
