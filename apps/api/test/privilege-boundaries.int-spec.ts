/**
 * Privilege boundaries, over HTTP against the real app: nobody grants what they do not hold (templates,
 * template assignment, API keys), only an admin touches `isAdmin` and an admin's credentials, the last
 * admin stays, API keys act for their creator on every request, and sessions follow credentials. Each
 * attempt of issue 12 that used to succeed is replayed and refused, and a refusal writes nothing.
 * The matrix at the end is derived from the contract's PERMISSIONS.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import {
  API_KEYS_CANNOT_MANAGE_KEYS,
  PERMISSIONS,
  type Permission,
} from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { errorBody, errorMessage, keyClient, ok, signedInTyped, signedUpTyped, typedClient, type TypedClient } from './support/typed-client';

let t: TestApp;
let db: Client;
let ownerClient: ApiClient;
let owner: TypedClient;
let accountId: string;

const PASSWORD = 'staff-password-1';

async function signIn(email: string, password = PASSWORD) {
  return signedInTyped(t.url, email, password);
}

const withKey = (secret: string) => keyClient(t.url, secret);

async function template(by: TypedClient, permissions: readonly Permission[]) {
  return ok(await by.permissionTemplates.create({ body: { name: `T ${randomUUID().slice(0, 8)}`, permissions: [...permissions] } }), 201);
}

interface Member {
  id: string;
  email: string;
  name: string;
  templateId: string | null;
  api: TypedClient;
  client: ApiClient;
}

/** A signed-in non-admin (or admin) user of the owner's account, made by `by` (the owner unless told). */
async function member(permissions: readonly Permission[] | null, opts: { isAdmin?: boolean; by?: TypedClient; signIn?: boolean } = {}): Promise<Member> {
  const by = opts.by ?? owner;
  const templateId = permissions ? (await template(by, permissions)).id : null;
  const email = uniqueEmail('staff');
  const name = `Staff ${email.slice(6, 14)}`;
  const user = ok(
    await by.platformUsers.create({ body: { email, name, password: PASSWORD, permissionTemplateId: templateId, isAdmin: opts.isAdmin ?? false } }),
    201,
  );
  const signedIn = opts.signIn === false ? { client: new ApiClient(t.url) } : await signIn(email);
  return { id: user.id, email, name, templateId, client: signedIn.client, api: typedClient(signedIn.client) };
}

/**
 * Everything a refused grant must leave alone: the account's audit log, users, templates, keys and
 * sessions. The one entry a refusal may write is its own `permission_denied` (the auth guard records a
 * mutation refused for lack of a route permission, bounded per actor): those are left out of the count.
 */
async function snapshot(account = accountId): Promise<Record<string, string>> {
  const agg = (table: string, alias: string) =>
    `(SELECT md5(coalesce(string_agg(${alias}::text, ',' ORDER BY ${alias}.id), '')) FROM ${table} ${alias} WHERE ${alias}.account_id = $1)`;
  const { rows } = await db.query(
    `SELECT (SELECT count(*)::text FROM audit_entries WHERE account_id = $1 AND action <> 'permission_denied') AS entries,
            ${agg('platform_users', 'u')} AS users, ${agg('permission_templates', 'pt')} AS templates,
            ${agg('api_keys', 'k')} AS keys, ${agg('sessions', 's')} AS sessions`,
    [account],
  );
  return rows[0] as Record<string, string>;
}

/** The call must answer 403 naming every one of `named`, and change nothing in the account. */
async function expectRefused(call: () => Promise<{ status: number; body: unknown }>, named: string[], account = accountId) {
  const before = await snapshot(account);
  const res = await call();
  expect({ status: res.status, message: errorMessage(res) }).toEqual({
    status: 403,
    message: expect.stringMatching(new RegExp(named.map((n) => `(?=.*${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join(''))),
  });
  expect(typeof errorBody(res)?.requestId).toBe('string');
  expect(await snapshot(account)).toEqual(before);
  return res;
}

async function adminCount(account = accountId): Promise<number> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM platform_users WHERE account_id = $1 AND is_admin AND removed_at IS NULL', [account]);
  return rows[0].n as number;
}

beforeAll(async () => {
  t = await startApp({ LOGIN_RATE_LIMIT: '100000' });
  db = await connectDb();
  ownerClient = new ApiClient(t.url);
  owner = typedClient(ownerClient);
  accountId = (await ownerClient.signup({ password: PASSWORD })).account.id;
}, 30_000);
afterAll(async () => {
  await db.end();
  await t.close();
});

describe('the attempts of issue 12, replayed', () => {
  it('a user with only settings:users cannot make themself admin, create an admin, or change the owner', async () => {
    const staff = await member(['settings:users']);
    const ownerId = ownerClient.session!.user.id;
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: staff.id }, body: { isAdmin: true } }), ['isAdmin', 'only an admin']);
    await expectRefused(
      () => staff.api.platformUsers.create({ body: { email: uniqueEmail('evil'), name: 'Evil', password: PASSWORD, isAdmin: true } }),
      ['isAdmin', 'only an admin'],
    );
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: ownerId }, body: { password: 'taken-over-1234' } }), ['password', "admin's password"]);
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: ownerId }, body: { email: uniqueEmail('evil') } }), ['email', "admin's email"]);
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: ownerId }, body: { isAdmin: false } }), ['isAdmin']);
    await expectRefused(() => staff.api.platformUsers.remove({ params: { id: ownerId } }), ['remove an admin']);
    // The owner still signs in with the old password, and is still the admin.
    expect((await signIn(ownerClient.session!.user.email)).client.cookies.has('kl_session')).toBe(true);
    const me = ok(await owner.auth.me(), 200);
    expect(me.user.isAdmin).toBe(true);
    // What the staff user may do, they still can: a plain member without a template.
    // (`isAdmin: false`, as the web form sends it, is no change to the flag and so allowed.)
    expect((await staff.api.platformUsers.create({ body: { email: uniqueEmail(), name: 'Plain', password: PASSWORD, isAdmin: false } })).status).toBe(201);
  });

  it('a user with settings:templates cannot give their own template settings:users and settings:api_keys', async () => {
    const staff = await member(['settings:templates']);
    await expectRefused(
      () => staff.api.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['settings:templates', 'settings:users', 'settings:api_keys'] } }),
      ['permissions: you do not hold settings:users, settings:api_keys, so you cannot grant them'],
    );
    await expectRefused(() => staff.api.permissionTemplates.create({ body: { name: 'Escalate', permissions: ['settings:users'] } }), [
      'permissions: you do not hold settings:users, so you cannot grant it',
    ]);
    const me = ok(await staff.api.auth.me(), 200);
    expect(me.user.permissions).toEqual(['settings:templates']);
  });

  it("a staff user's key stops working with their demotion and removal", async () => {
    const staff = await member(['settings:api_keys', 'products:read', 'products:write']);
    const key = ok(await staff.api.apiKeys.create({ body: { name: 'Staff script', permissions: ['products:read', 'products:write'] } }), 201);
    expect(key).toMatchObject({ effectivePermissions: ['products:read', 'products:write'], createdBy: { id: staff.id, name: staff.name, removed: false } });
    const bot = withKey(key.secret);
    expect((await bot.products.create({ body: { name: 'By key', code: `k-${randomUUID().slice(0, 6)}` } })).status).toBe(201);

    // Demoted: the creator loses products:write, and so does the key, at its next request.
    ok(await owner.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['settings:api_keys', 'products:read'] } }), 200);
    const refused = await bot.products.create({ body: { name: 'Nope', code: `n-${randomUUID().slice(0, 6)}` } });
    expect({ status: refused.status, message: errorMessage(refused) }).toEqual({
      status: 403,
      message: expect.stringMatching(/products:write.*creator no longer holds it/),
    });
    expect((await bot.products.list()).status).toBe(200);
    const listed = (ok(await owner.apiKeys.list({ query: { limit: 200 } }), 200)).items.find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ permissions: ['products:read', 'products:write'], effectivePermissions: ['products:read'] });

    // Given back: the key has it again (computed per request, nothing cached).
    ok(await owner.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['settings:api_keys', 'products:read', 'products:write'] } }), 200);
    expect((await bot.products.create({ body: { name: 'Back', code: `b-${randomUUID().slice(0, 6)}` } })).status).toBe(201);

    // Removed: the key stops working altogether.
    ok(await owner.platformUsers.remove({ params: { id: staff.id } }), 204);
    const gone = await bot.products.list();
    expect({ status: gone.status, message: errorMessage(gone) }).toEqual({ status: 401, message: expect.stringContaining('creator was removed') });
    const after = (ok(await owner.apiKeys.list({ query: { limit: 200 } }), 200)).items.find((k) => k.id === key.id)!;
    expect(after).toMatchObject({ effectivePermissions: [], createdBy: { id: staff.id, name: staff.name, removed: true } });
  });

  it('an admin-made key loses what its creator loses when the creator is demoted from admin', async () => {
    const admin = await member(null, { isAdmin: true });
    const key = ok(await admin.api.apiKeys.create({ body: { name: 'Admin script', permissions: ['customers:read', 'audit_log:read'] } }), 201);
    const bot = withKey(key.secret);
    expect((await bot.auditLog.list({ query: { limit: 1 } })).status).toBe(200);
    const reader = await template(owner, ['customers:read']);
    ok(await owner.platformUsers.update({ params: { id: admin.id }, body: { isAdmin: false, permissionTemplateId: reader.id } }), 200);
    expect((await bot.customers.list()).status).toBe(200);
    expect((await bot.auditLog.list({ query: { limit: 1 } })).status).toBe(403);
  });

  it('an API key cannot create or revoke keys, so no key outlives its maker through another', async () => {
    const key = ok(await owner.apiKeys.create({ body: { name: 'Key manager', permissions: ['settings:api_keys', 'products:read'] } }), 201);
    const other = ok(await owner.apiKeys.create({ body: { name: 'Other', permissions: ['products:read'] } }), 201);
    const bot = withKey(key.secret);
    expect((await bot.apiKeys.list()).status).toBe(200);
    await expectRefused(() => bot.apiKeys.create({ body: { name: 'Child', permissions: ['products:read'] } }), [API_KEYS_CANNOT_MANAGE_KEYS]);
    await expectRefused(() => bot.apiKeys.revoke({ params: { id: other.id } }), [API_KEYS_CANNOT_MANAGE_KEYS]);
    await expectRefused(() => bot.apiKeys.revoke({ params: { id: key.id } }), [API_KEYS_CANNOT_MANAGE_KEYS]);
  });

  it('a key made earlier by another key (its creator not a platform user) no longer works', async () => {
    const parent = ok(await owner.apiKeys.create({ body: { name: 'Parent', permissions: ['products:read'] } }), 201);
    // Such keys exist only from before this rule: written as the old code wrote them.
    const secret = `kl_live_${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await db.query(
      `INSERT INTO api_keys (id, account_id, name, token_hash, hint, permissions, created_by_id, created_by_name)
       VALUES ($1, $2, 'Child of a key', $3, $4, '{products:read}', $5, 'Parent')`,
      [id, accountId, createHash('sha256').update(secret).digest('hex'), `kl_live_…${secret.slice(-4)}`, parent.id],
    );
    const res = await withKey(secret).products.list();
    expect({ status: res.status, message: errorMessage(res) }).toEqual({ status: 401, message: expect.stringContaining('creator was removed') });
    expect((await withKey(parent.secret).products.list()).status).toBe(200);
    const listed = (ok(await owner.apiKeys.list({ query: { limit: 200 } }), 200)).items.find((k) => k.id === id)!;
    expect(listed).toMatchObject({ permissions: ['products:read'], effectivePermissions: [], createdBy: { id: parent.id, name: 'Parent', removed: true } });
  });

  it("an admin's new password for a user ends every session of that user", async () => {
    const staff = await member(['products:read']);
    const second = await signIn(staff.email);
    expect((await staff.api.products.list()).status).toBe(200);
    ok(await owner.platformUsers.update({ params: { id: staff.id }, body: { password: 'reset-by-admin-1' } }), 200);
    for (const session of [staff.api, second.api]) {
      const res = await session.products.list();
      expect({ status: res.status, message: errorMessage(res) }).toEqual({ status: 401, message: expect.stringContaining('session has ended') });
    }
    expect((await typedClient(new ApiClient(t.url)).auth.login({ body: { email: staff.email, password: PASSWORD } })).status).toBe(401);
    expect((await (await signIn(staff.email, 'reset-by-admin-1')).api.products.list()).status).toBe(200);
    // The admin's own session is untouched.
    expect((await owner.auth.me()).status).toBe(200);
  });
});

describe('grant only what you hold', () => {
  it('nobody raises their own permissions through their own template assignment', async () => {
    const staff = await member(['settings:users', 'settings:templates']);
    const bigger = await template(owner, ['settings:users', 'settings:templates', 'audit_log:export']);
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: staff.id }, body: { permissionTemplateId: bigger.id } }), [
      'permissionTemplateId',
      'you do not hold audit_log:export',
    ]);
    await expectRefused(
      () => staff.api.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['settings:users', 'settings:templates', 'audit_log:export'] } }),
      ['audit_log:export'],
    );
    // A template within what they hold may be assigned, to themself too: nothing is gained.
    const smaller = await template(staff.api, ['settings:users']);
    ok(await staff.api.platformUsers.update({ params: { id: staff.id }, body: { permissionTemplateId: smaller.id } }), 200);
    expect((await staff.api.permissionTemplates.list()).status).toBe(403);
  });

  it('names only the permissions missing from a mixed list', async () => {
    const staff = await member(['settings:templates', 'products:read']);
    const res = await expectRefused(() => staff.api.permissionTemplates.create({ body: { name: 'Mixed', permissions: ['products:read', 'orders:write', 'licenses:write'] } }), [
      'orders:write, licenses:write',
    ]);
    expect(errorMessage(res)).not.toContain('products:read');
    expect(errorBody(res)?.details).toEqual([{ path: 'permissions', message: expect.stringContaining('orders:write') }]);
  });

  it('lets a template keep, or lose, permissions the editor does not hold (only additions are grants)', async () => {
    const staff = await member(['settings:templates', 'products:read']);
    const wide = await template(owner, ['orders:write', 'customers:write']);
    const kept = ok(await staff.api.permissionTemplates.setPermissions({ params: { id: wide.id }, body: { permissions: ['orders:write', 'customers:write', 'products:read'] } }), 200);
    expect(kept.permissions).toEqual(['orders:write', 'customers:write', 'products:read']);
    const narrowed = ok(await staff.api.permissionTemplates.setPermissions({ params: { id: wide.id }, body: { permissions: ['orders:write'] } }), 200);
    expect(narrowed.permissions).toEqual(['orders:write']);
    await expectRefused(() => staff.api.permissionTemplates.setPermissions({ params: { id: wide.id }, body: { permissions: ['orders:write', 'customers:write'] } }), [
      'customers:write',
    ]);
  });

  it("a user manager cannot change the credentials of, or remove, a user who holds more than they do", async () => {
    const manager = await member(['settings:users', 'products:read']);
    const stronger = await member(['products:read', 'audit_log:export']);
    const weaker = await member(['products:read']);
    await expectRefused(() => manager.api.platformUsers.update({ params: { id: stronger.id }, body: { password: 'taken-over-1234' } }), [
      'password',
      'audit_log:export',
    ]);
    await expectRefused(() => manager.api.platformUsers.update({ params: { id: stronger.id }, body: { email: uniqueEmail('taken') } }), ['email', 'audit_log:export']);
    await expectRefused(() => manager.api.platformUsers.remove({ params: { id: stronger.id } }), ['audit_log:export']);
    // Harmless changes to a stronger user are still allowed; a weaker user's password may be reset.
    ok(await manager.api.platformUsers.update({ params: { id: stronger.id }, body: { name: 'Renamed' } }), 200);
    ok(await manager.api.platformUsers.update({ params: { id: weaker.id }, body: { password: 'reset-by-manager-1' } }), 200);
    expect((await weaker.api.products.list()).status).toBe(401);
  });

  it('a key grants only what it may use now: its own permissions that its creator still holds', async () => {
    const staff = await member(['settings:templates', 'settings:api_keys', 'products:write']);
    const key = ok(await staff.api.apiKeys.create({ body: { name: 'Templates bot', permissions: ['settings:templates', 'products:write'] } }), 201);
    const bot = withKey(key.secret);
    ok(await bot.permissionTemplates.create({ body: { name: `Writers ${randomUUID().slice(0, 6)}`, permissions: ['products:write'] } }), 201);
    // The creator holds settings:api_keys, the key does not.
    await expectRefused(() => bot.permissionTemplates.create({ body: { name: 'Keys', permissions: ['settings:api_keys'] } }), ['you do not hold settings:api_keys']);
    // The creator loses products:write: so does the key, for granting too.
    ok(await owner.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['settings:templates', 'settings:api_keys'] } }), 200);
    await expectRefused(() => bot.permissionTemplates.create({ body: { name: 'Writers again', permissions: ['products:write'] } }), ['you do not hold products:write']);
  });

  it('holding every permission through a template is still not being an admin', async () => {
    const everything = await member([...PERMISSIONS]);
    await expectRefused(
      () => everything.api.platformUsers.create({ body: { email: uniqueEmail(), name: 'X', password: PASSWORD, isAdmin: true } }),
      ['isAdmin', 'only an admin'],
    );
    await expectRefused(() => everything.api.platformUsers.update({ params: { id: ownerClient.session!.user.id }, body: { password: 'taken-over-1234' } }), ["admin's password"]);
    // Nor is an admin's API key: keys never act as admins.
    const key = ok(await owner.apiKeys.create({ body: { name: 'Users', permissions: ['settings:users'] } }), 201);
    await expectRefused(() => withKey(key.secret).platformUsers.create({ body: { email: uniqueEmail(), name: 'X', password: PASSWORD, isAdmin: true } }), [
      'only an admin',
    ]);
    await expectRefused(() => withKey(key.secret).platformUsers.update({ params: { id: ownerClient.session!.user.id }, body: { email: uniqueEmail() } }), ["admin's email"]);
  });

  it('an admin may create, promote and demote admins; templates assigned by a key are within the key', async () => {
    const second = await member(null, { isAdmin: true, signIn: false });
    expect(await adminCount()).toBeGreaterThanOrEqual(2);
    ok(await owner.platformUsers.update({ params: { id: second.id }, body: { isAdmin: false } }), 200);
    ok(await owner.platformUsers.update({ params: { id: second.id }, body: { isAdmin: true } }), 200);
    const key = ok(await owner.apiKeys.create({ body: { name: 'Onboarding', permissions: ['settings:users', 'products:read'] } }), 201);
    const readers = await template(owner, ['products:read']);
    const writers = await template(owner, ['products:write']);
    const staff = await member(null, { signIn: false });
    ok(await withKey(key.secret).platformUsers.update({ params: { id: staff.id }, body: { permissionTemplateId: readers.id } }), 200);
    await expectRefused(() => withKey(key.secret).platformUsers.update({ params: { id: staff.id }, body: { permissionTemplateId: writers.id } }), [
      'permissionTemplateId',
      'products:write',
    ]);
    // A key creates no users: a new user needs a password, and passwords are set by people, signed in.
    await expectRefused(
      () => withKey(key.secret).platformUsers.create({ body: { email: uniqueEmail(), name: 'By key', password: PASSWORD, permissionTemplateId: readers.id } }),
      ['password', 'API key cannot set a password'],
    );
  });
});

describe('the last admin', () => {
  it('cannot demote or remove themself', async () => {
    const res = await owner.platformUsers.update({ params: { id: ownerClient.session!.user.id }, body: { isAdmin: false } });
    expect({ status: res.status, message: errorMessage(res) }).toEqual({ status: 409, message: expect.stringContaining('your own admin rights') });
    expect((await owner.platformUsers.remove({ params: { id: ownerClient.session!.user.id } })).status).toBe(409);
  });

  it.each([1, 2, 3])('two admins demoting (or removing) each other at once leave one admin (round %i)', async (round) => {
    const { session: { account, user }, api: a } = await signedUpTyped(t.url, { password: PASSWORD });
    const b = await member(null, { isAdmin: true, by: a });
    const [first, second] = await Promise.all([
      a.platformUsers.update({ params: { id: b.id }, body: { isAdmin: false } }),
      round === 3 ? b.api.platformUsers.remove({ params: { id: user.id } }) : b.api.platformUsers.update({ params: { id: user.id }, body: { isAdmin: false } }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses[0]).toBeLessThan(300);
    // The loser is refused (403: no longer an admin; 409), or, when its own account was removed first, signed out (401).
    expect([401, 403, 409]).toContain(statuses[1]);
    expect(await adminCount(account.id)).toBe(1);
  });
});

describe('changing one’s own password', () => {
  const NEW = 'brand-new-password-2';

  it('needs the current password, ends the other sessions and keeps this one', async () => {
    const staff = await member(['products:read']);
    const other = await signIn(staff.email);
    const wrong = await staff.api.auth.changePassword({ body: { currentPassword: 'not-the-password-1', newPassword: NEW } });
    expect({ status: wrong.status, details: errorBody(wrong)?.details }).toEqual({
      status: 400,
      details: [{ path: 'currentPassword', message: expect.stringContaining('incorrect') }],
    });
    expect((await other.api.products.list()).status).toBe(200);

    expect((await staff.api.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: NEW } })).status).toBe(204);
    expect((await staff.api.products.list()).status).toBe(200);
    expect((await other.api.products.list()).status).toBe(401);
    expect((await typedClient(new ApiClient(t.url)).auth.login({ body: { email: staff.email, password: PASSWORD } })).status).toBe(401);
    expect((await signIn(staff.email, NEW)).client.cookies.has('kl_session')).toBe(true);
  });

  it('refuses a missing CSRF token, an API key, an unchanged or weak password, and PATCH on oneself', async () => {
    const staff = await member(['settings:users']);
    const noCsrf = await staff.api.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: NEW }, extraHeaders: { 'x-csrf-token': 'nope' } });
    expect(noCsrf.status).toBe(403);
    const key = ok(await owner.apiKeys.create({ body: { name: 'No password', permissions: ['products:read'] } }), 201);
    expect((await withKey(key.secret).auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: NEW } })).status).toBe(403);
    const same = await staff.api.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: PASSWORD } });
    expect({ status: same.status, path: errorBody(same)?.details?.[0]?.path }).toEqual({ status: 400, path: 'body.newPassword' });
    const weak = await staff.api.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect({ status: weak.status, path: errorBody(weak)?.details?.[0]?.path }).toEqual({ status: 400, path: 'body.newPassword' });
    await expectRefused(() => staff.api.platformUsers.update({ params: { id: staff.id }, body: { password: NEW } }), ['password', '/api/v1/auth/password']);
    expect((await typedClient(new ApiClient(t.url)).auth.login({ body: { email: staff.email, password: PASSWORD } })).status).toBe(200);
  });

  it('is rate-limited like sign-in', async () => {
    const limited = await startApp({ LOGIN_RATE_LIMIT: '3' });
    try {
      const { api } = await signedUpTyped(limited.url, { password: PASSWORD });
      for (let i = 0; i < 3; i++) {
        expect((await api.auth.changePassword({ body: { currentPassword: `wrong-password-${i}`, newPassword: NEW } })).status).toBe(400);
      }
      const blocked = await api.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: NEW } });
      expect({ status: blocked.status, message: errorMessage(blocked) }).toEqual({ status: 429, message: expect.stringContaining('Too many password change attempts') });
      expect((await api.auth.me()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('permission changes take effect at the next request', () => {
  it('for a session', async () => {
    const staff = await member(['products:read', 'customers:read']);
    expect((await staff.api.customers.list()).status).toBe(200);
    ok(await owner.permissionTemplates.setPermissions({ params: { id: staff.templateId! }, body: { permissions: ['products:read'] } }), 200);
    expect((await staff.api.customers.list()).status).toBe(403);
    const none = ok(await staff.api.auth.me(), 200);
    expect(none.user.permissions).toEqual(['products:read']);
    ok(await owner.platformUsers.update({ params: { id: staff.id }, body: { permissionTemplateId: null } }), 200);
    expect((await staff.api.products.list()).status).toBe(403);
  });
});

/**
 * The matrix, derived from the contract's PERMISSIONS. For each permission p, two holders: one that
 * lacks p while holding every other permission, and one that holds p and just the three settings
 * permissions it needs to try each grant. Each tries to grant {p} five ways; the answer must be 2xx
 * exactly when the holder holds p, else 403 naming p with nothing written. Where p is the route's own
 * permission the guard refuses first, with the same answer. Then `isAdmin`, on create and update, by
 * every holder (refused) and by an admin (allowed).
 */
describe('the grant matrix', () => {
  const KINDS = ['template create', 'template PUT', 'user create', 'user update', 'API key create'] as const;
  const MANAGE: Permission[] = ['settings:users', 'settings:templates', 'settings:api_keys'];
  const HOLDS = [false, true] as const;
  const expected = { tried: PERMISSIONS.length * HOLDS.length * KINDS.length + PERMISSIONS.length * HOLDS.length * 2 + 2 };
  const refusedCount = PERMISSIONS.length * KINDS.length + PERMISSIONS.length * HOLDS.length * 2;

  it(`answers ${expected.tried} grants: ${refusedCount} refused, ${expected.tried - refusedCount} allowed, each exactly as held`, async () => {
    const holderOf = new Map<string, Member>();
    const grantOf = new Map<Permission, string>();
    const targetTemplate = new Map<Permission, string>();
    const targetUser = new Map<Permission, string>();
    // The user the isAdmin attempts aim at.
    const target = (await member(null, { signIn: false })).id;
    const started = Date.now();
    await Promise.all(
      PERMISSIONS.map(async (p) => {
        // Each p has its own template and its own user to give it to, so every try is a change, made to a
        // user holding nothing yet (changing the template of a user who holds more is refused on its own).
        const [lacks, holds, grant, empty, user] = await Promise.all([
          member(PERMISSIONS.filter((q) => q !== p)),
          member([...new Set([...MANAGE, p])]),
          template(owner, [p]),
          template(owner, []),
          member(null, { signIn: false }),
        ]);
        targetUser.set(p, user.id);
        holderOf.set(`${p}:false`, lacks);
        holderOf.set(`${p}:true`, holds);
        grantOf.set(p, grant.id);
        targetTemplate.set(p, empty.id);
      }),
    );
    const built = Date.now();

    const attempt = (kind: (typeof KINDS)[number], api: TypedClient, p: Permission) => {
      switch (kind) {
        case 'template create':
          return api.permissionTemplates.create({ body: { name: `Grant ${randomUUID().slice(0, 8)}`, permissions: [p] } });
        case 'template PUT':
          return api.permissionTemplates.setPermissions({ params: { id: targetTemplate.get(p)! }, body: { permissions: [p] } });
        case 'user create':
          return api.platformUsers.create({ body: { email: uniqueEmail('grant'), name: 'Granted', password: PASSWORD, permissionTemplateId: grantOf.get(p) } });
        case 'user update':
          return api.platformUsers.update({ params: { id: targetUser.get(p)! }, body: { permissionTemplateId: grantOf.get(p) } });
        case 'API key create':
          return api.apiKeys.create({ body: { name: `Grant ${p}`, permissions: [p] } });
      }
    };

    const tally = { tried: 0, refused: 0, allowed: 0 };
    const wrong: string[] = [];
    const check = async (label: string, allowed: boolean, named: string, call: () => Promise<{ status: number; body: unknown }>) => {
      tally.tried++;
      const before = await snapshot();
      const res = await call();
      const after = await snapshot();
      if (allowed) {
        tally.allowed++;
        if (res.status >= 300) wrong.push(`${label}: expected 2xx, got ${res.status} ${errorMessage(res)}`);
      } else {
        tally.refused++;
        if (res.status !== 403 || !String(errorMessage(res)).includes(named)) wrong.push(`${label}: expected 403 naming ${named}, got ${res.status} ${errorMessage(res)}`);
        if (JSON.stringify(after) !== JSON.stringify(before)) wrong.push(`${label}: refused, but something was written`);
      }
    };

    for (const p of PERMISSIONS) {
      // The holder lacking p goes first, so each target is still untouched when it tries.
      for (const holds of HOLDS) {
        const holder = holderOf.get(`${p}:${holds}`)!;
        for (const kind of KINDS) await check(`${kind} of ${p} by a holder ${holds ? 'holding' : 'lacking'} it`, holds, p, () => attempt(kind, holder.api, p));
      }
    }
    for (const p of PERMISSIONS) {
      for (const holds of HOLDS) {
        const holder = holderOf.get(`${p}:${holds}`)!;
        // Without settings:users the guard refuses first, naming it.
        const named = !holds && p === 'settings:users' ? p : 'isAdmin';
        await check(`isAdmin on create by a holder of ${holds ? '' : 'all but '}${p}`, false, named, () =>
          holder.api.platformUsers.create({ body: { email: uniqueEmail('admin'), name: 'Admin?', password: PASSWORD, isAdmin: true } }),
        );
        await check(`isAdmin on update by a holder of ${holds ? '' : 'all but '}${p}`, false, named, () =>
          holder.api.platformUsers.update({ params: { id: target }, body: { isAdmin: true } }),
        );
      }
    }
    await check('isAdmin on create by an admin', true, '', () => owner.platformUsers.create({ body: { email: uniqueEmail('admin'), name: 'Admin', password: PASSWORD, isAdmin: true } }));
    await check('isAdmin on update by an admin', true, '', () => owner.platformUsers.update({ params: { id: target }, body: { isAdmin: true } }));

    console.log(
      `privilege matrix: ${tally.tried} grants tried, ${tally.refused} refused, ${tally.allowed} allowed ` +
        `(${PERMISSIONS.length * 2} holders built in ${built - started} ms, grants tried in ${Date.now() - built} ms)`,
    );
    expect(wrong).toEqual([]);
    expect(tally).toEqual({ tried: expected.tried, refused: refusedCount, allowed: expected.tried - refusedCount });
  }, 300_000);
});
