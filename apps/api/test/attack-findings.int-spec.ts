/**
 * Attacks on issues 12 and 16 from the outside, over HTTP against the real app: each `it` is one
 * attempt an attacker would make, with what the rules say must happen. Findings that were fixed are
 * marked "finding"; the rest are attempts that were refused and that the other specs do not cover.
 */
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { type ApiKeyCreated, type Permission, type PermissionTemplate, type PlatformUser } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { expectOk } from './support/vendor';

let t: TestApp;
let db: Client;
let owner: ApiClient;
let accountId: string;

const PASSWORD = 'staff-password-1';

function withKey(secret: string) {
  const client = new ApiClient(t.url);
  const request = client.request.bind(client);
  client.request = (method, path, body, headers = {}) => request(method, path, body, { authorization: `Bearer ${secret}`, ...headers });
  return client;
}

async function signIn(email: string, password = PASSWORD): Promise<ApiClient> {
  const client = new ApiClient(t.url);
  await expectOk(client.post('/api/v1/auth/login', { email, password }));
  return client;
}

function template(by: ApiClient, permissions: readonly Permission[]) {
  return expectOk<PermissionTemplate>(by.post('/api/v1/permission-templates', { name: `T ${randomUUID().slice(0, 8)}`, permissions }));
}

interface Member {
  id: string;
  email: string;
  templateId: string | null;
  api: ApiClient;
}

async function member(permissions: readonly Permission[] | null, opts: { isAdmin?: boolean } = {}): Promise<Member> {
  const templateId = permissions ? (await template(owner, permissions)).id : null;
  const email = uniqueEmail('staff');
  const user = await expectOk<PlatformUser>(
    owner.post('/api/v1/platform-users', { email, name: `Staff ${email.slice(6, 14)}`, password: PASSWORD, permissionTemplateId: templateId, isAdmin: opts.isAdmin ?? false }),
  );
  return { id: user.id, email, templateId, api: await signIn(email) };
}

async function userRow(id: string) {
  const { rows } = await db.query('SELECT is_admin, permission_template_id, password_hash, email, removed_at FROM platform_users WHERE id = $1', [id]);
  return rows[0] as { is_admin: boolean; permission_template_id: string | null; password_hash: string; email: string; removed_at: Date | null };
}

/** The account's audit log (refusals aside), users, templates, keys and sessions, as one comparable value. */
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

/** The call must answer `status` with a message matching each of `named`, and change nothing. */
async function expectRefused(call: () => Promise<{ status: number; body: any }>, status: number, named: string[], account = accountId) {
  const before = await snapshot(account);
  const res = await call();
  expect({ status: res.status, message: res.body?.message }).toEqual({
    status,
    message: expect.stringMatching(new RegExp(named.map((n) => `(?=.*${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`).join(''))),
  });
  expect(typeof res.body.requestId).toBe('string');
  expect(await snapshot(account)).toEqual(before);
  return res;
}


beforeAll(async () => {
  t = await startApp({ LOGIN_RATE_LIMIT: '100000' });
  db = await connectDb();
  owner = new ApiClient(t.url);
  accountId = (await owner.signup({ password: PASSWORD })).account.id;
}, 30_000);
afterAll(async () => {
  await db.end();
  await t.close();
});

describe('findings (fixed)', () => {
  it('finding: a weaker user manager cannot demote a stronger member by giving them a smaller template, then reset their password', async () => {
    const manager = await member(['settings:users', 'products:read']);
    const stronger = await member(['products:read', 'audit_log:export']);
    const weaker = await member(['products:read']);
    const small = await template(owner, ['products:read']);
    const reader = await template(owner, []);
    // Was 200, after which the stronger user held only products:read and the password reset was allowed.
    await expectRefused(() => manager.api.patch(`/api/v1/platform-users/${stronger.id}`, { permissionTemplateId: small.id }), 403, [
      'permissionTemplateId',
      'audit_log:export',
    ]);
    await expectRefused(() => manager.api.patch(`/api/v1/platform-users/${stronger.id}`, { permissionTemplateId: null }), 403, ['permissionTemplateId']);
    await expectRefused(() => manager.api.patch(`/api/v1/platform-users/${stronger.id}`, { password: 'taken-over-12345' }), 403, ['password']);
    expect((await stronger.api.get('/api/v1/audit-log/exports')).status).toBe(200);
    expect((await userRow(stronger.id)).permission_template_id).toBe(stronger.templateId);
    // An admin's template (what they would hold once demoted) is an admin's business too.
    const admin = await member(null, { isAdmin: true });
    await expectRefused(() => manager.api.patch(`/api/v1/platform-users/${admin.id}`, { permissionTemplateId: small.id }), 403, [
      "only an admin can change an admin's permission template",
    ]);
    // Still allowed: a weaker user's template, an unchanged one, one's own lowered, and everything for an admin.
    await expectOk(manager.api.patch(`/api/v1/platform-users/${weaker.id}`, { permissionTemplateId: reader.id }));
    await expectOk(manager.api.patch(`/api/v1/platform-users/${stronger.id}`, { permissionTemplateId: stronger.templateId, name: 'Renamed' }));
    await expectOk(owner.patch(`/api/v1/platform-users/${stronger.id}`, { permissionTemplateId: small.id }));
    await expectOk(owner.patch(`/api/v1/platform-users/${admin.id}`, { permissionTemplateId: small.id }));
  });

  it("finding: a template editor cannot strip a stronger member's template of what the editor lacks, then reset their password", async () => {
    const manager = await member(['settings:users', 'settings:templates', 'products:read']);
    const stronger = await member(['products:read', 'audit_log:export']);
    // Was 200, after which the stronger user held only products:read and the password reset was allowed.
    await expectRefused(() => manager.api.put(`/api/v1/permission-templates/${stronger.templateId}/permissions`, { permissions: ['products:read'] }), 403, [
      'permissions',
      '1 user holds audit_log:export',
    ]);
    await expectRefused(() => manager.api.patch(`/api/v1/platform-users/${stronger.id}`, { password: 'taken-over-12345' }), 403, ['password']);
    // What the editor holds may still go, and anything from a template nobody (but admins) uses.
    await expectOk(manager.api.put(`/api/v1/permission-templates/${stronger.templateId}/permissions`, { permissions: ['audit_log:export'] }));
    const unused = await template(owner, ['orders:write']);
    await expectOk(owner.patch(`/api/v1/platform-users/${(await member(null, { isAdmin: true })).id}`, { permissionTemplateId: unused.id }));
    await expectOk(manager.api.put(`/api/v1/permission-templates/${unused.id}/permissions`, { permissions: [] }));
    // An admin may take anything away.
    await expectOk(owner.put(`/api/v1/permission-templates/${stronger.templateId}/permissions`, { permissions: [] }));
  });

  it('finding: a sign-in with the old password racing a password change leaves no live session', async () => {
    // Sign-in verified against the hash it read before argon2's work, then opened its session after the
    // change had ended the others: 5 sessions of 6 opened with the old password stayed live. Whatever the
    // interleaving, a session opened with the old password must be dead once both are done.
    for (let i = 0; i < 6; i++) {
      const m = await member(['products:read']);
      const attacker = new ApiClient(t.url);
      const change =
        i % 2 === 0
          ? m.api.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'changed-password-1' })
          : owner.patch(`/api/v1/platform-users/${m.id}`, { password: 'changed-password-1' });
      const [changed, login] = await Promise.all([
        change,
        new Promise((resolve) => setTimeout(resolve, i * 5)).then(() => attacker.post('/api/v1/auth/login', { email: m.email, password: PASSWORD })),
      ]);
      expect(changed.status).toBeLessThan(300);
      expect([200, 401]).toContain(login.status);
      expect((await attacker.get('/api/v1/products')).status).toBe(401);
    }
  });

  it("finding: an API key cannot change its creator's password or email (and so become a sign-in that mints keys)", async () => {
    const staff = await member(['settings:users', 'settings:api_keys', 'products:read']);
    const weaker = await member(['products:read']);
    const all: Permission[] = ['settings:users', 'settings:api_keys', 'products:read'];
    const key = await expectOk<ApiKeyCreated>(staff.api.post('/api/v1/api-keys', { name: 'Provisioning', permissions: all }), [201]);
    const bot = withKey(key.secret);
    // Was 200: the key set the password, signed in as its creator and could then create keys.
    await expectRefused(() => bot.patch(`/api/v1/platform-users/${staff.id}`, { password: 'by-the-key-12345' }), 403, ['password', 'API key']);
    await expectRefused(() => bot.patch(`/api/v1/platform-users/${staff.id}`, { email: uniqueEmail('stolen') }), 403, ['email', 'API key']);
    expect((await new ApiClient(t.url).post('/api/v1/auth/login', { email: staff.email, password: 'by-the-key-12345' })).status).toBe(401);
    expect((await staff.api.get('/api/v1/products')).status).toBe(200);
    // Other changes to its creator stay within the key's permissions; no password is a key's to set,
    // not even a weaker user's (credential-boundaries.int-spec.ts).
    await expectOk(bot.patch(`/api/v1/platform-users/${staff.id}`, { name: 'Renamed by key' }));
    await expectRefused(() => bot.patch(`/api/v1/platform-users/${weaker.id}`, { password: 'reset-by-key-123' }), 403, ['password', 'API key']);
  });
});

describe('attempts that were refused', () => {
  it('body tricks on PATCH of oneself: duplicate keys, __proto__, arrays, odd uuids and content types', async () => {
    const manager = await member(['settings:users', 'products:read']);
    const big = await template(owner, ['products:read', 'audit_log:export']);
    const raw = (body: string, id = manager.id) => manager.api.request('PATCH', `/api/v1/platform-users/${id}`, body);
    // ApiClient always says application/json: these go out with exactly the content type given.
    const typed = async (contentType: string, body: string) => {
      const cookie = [...manager.api.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await fetch(`${t.url}/api/v1/platform-users/${manager.id}`, {
        method: 'PATCH',
        headers: { cookie, 'x-csrf-token': manager.api.cookies.get('kl_csrf')!, 'content-type': contentType },
        body,
      });
      return { status: res.status, body: (await res.json()) as { message: string; requestId: string } };
    };
    const before = await userRow(manager.id);
    const attempts: Array<[() => Promise<{ status: number; body: any }>, number, string[]]> = [
      [() => raw('{"isAdmin":false,"isAdmin":true}'), 403, ['isAdmin']],
      [() => raw('{"__proto__":{"isAdmin":true},"name":"x"}'), 400, ['JSON']],
      [() => raw('{"constructor":{"prototype":{"isAdmin":true}},"name":"x"}'), 400, ['JSON']],
      [() => raw(`{"permissionTemplateId":["${big.id}"]}`), 400, ['permissionTemplateId']],
      [() => raw(`{"permissionTemplateId":"${big.id.toUpperCase()}"}`), 403, ['permissionTemplateId', 'audit_log:export']],
      [() => raw(`{"permissionTemplateId":"{${big.id}}"}`), 400, ['permissionTemplateId']],
      [() => raw(`{"permissionTemplateId":"${big.id}"}`, manager.id.toUpperCase()), 403, ['permissionTemplateId', 'audit_log:export']],
      [() => typed('text/plain', '{"isAdmin":true}'), 400, ['body: Expected object, received string']],
      [() => typed('application/x-www-form-urlencoded', 'isAdmin=true'), 415, ['Unsupported Media Type']],
      [() => typed('multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="isAdmin"\r\n\r\ntrue\r\n--x--'), 415, ['Unsupported']],
      [() => typed('application/vnd.api+json', '{"isAdmin":true}'), 415, ['Unsupported']],
      [() => typed('application/json; charset=utf-16', '{"isAdmin":true}'), 403, ['isAdmin']],
      [() => typed('APPLICATION/JSON', '{"isAdmin":true}'), 403, ['isAdmin']],
    ];
    for (const [call, status, named] of attempts) await expectRefused(call, status, named);
    expect(await userRow(manager.id)).toEqual(before);
  });

  it('own template: no additions by uppercase id or repeats, none through PATCH, no demotion by deleting a template in use', async () => {
    const tm = await member(['settings:templates', 'products:read']);
    const victim = await member(['products:read', 'audit_log:export']);
    const id = tm.templateId!;
    await expectRefused(() => tm.api.put(`/api/v1/permission-templates/${id}/permissions`, { permissions: ['settings:templates', 'products:read', 'settings:users'] }), 403, [
      'settings:users',
    ]);
    await expectRefused(
      () => tm.api.put(`/api/v1/permission-templates/${id.toUpperCase()}/permissions`, { permissions: ['settings:templates', 'products:read', 'settings:users'] }),
      403,
      ['settings:users'],
    );
    await expectRefused(() => tm.api.put(`/api/v1/permission-templates/${id}/permissions`, { permissions: ['products:read', 'products:read'] }), 400, ['unique']);
    await expectRefused(() => tm.api.patch(`/api/v1/permission-templates/${id}`, { permissions: ['settings:users'] }), 400, ['permissions']);
    await expectRefused(() => tm.api.delete(`/api/v1/permission-templates/${victim.templateId}`), 409, ['still use']);
  });

  it("an admin's key is not an admin: no isAdmin, no admin password, no admin removal", async () => {
    const admin = await member(null, { isAdmin: true });
    const key = await expectOk<ApiKeyCreated>(admin.api.post('/api/v1/api-keys', { name: 'k', permissions: ['settings:users', 'products:read'] }), [201]);
    const bot = withKey(key.secret);
    const staff = await member(['products:read']);
    await expectRefused(() => bot.patch(`/api/v1/platform-users/${staff.id}`, { isAdmin: true }), 403, ['isAdmin']);
    await expectRefused(() => bot.post('/api/v1/platform-users', { email: uniqueEmail('k'), name: 'k', password: PASSWORD, isAdmin: true }), 403, ['isAdmin']);
    await expectRefused(() => bot.patch(`/api/v1/platform-users/${admin.id}`, { password: 'key-sets-admin-1' }), 403, ['password', 'API key']);
    await expectRefused(() => bot.delete(`/api/v1/platform-users/${admin.id}`), 403, ['remove an admin']);
  });

  it('two admins at once, one removing the other while the other demotes them: exactly one admin is left', async () => {
    const first = new ApiClient(t.url);
    const s = await first.signup({ password: PASSWORD });
    const email = uniqueEmail('adm');
    const second = await expectOk<PlatformUser>(first.post('/api/v1/platform-users', { email, name: 'Second', password: PASSWORD, isAdmin: true }));
    const secondApi = await signIn(email);
    const [removal, demotion] = await Promise.all([
      first.delete(`/api/v1/platform-users/${second.id}`),
      secondApi.patch(`/api/v1/platform-users/${s.user.id}`, { isAdmin: false }),
    ]);
    expect([removal.status, demotion.status].sort()).toEqual(removal.status === 204 ? [204, 403] : [200, 403]);
    const { rows } = await db.query('SELECT count(*)::int AS n FROM platform_users WHERE account_id = $1 AND is_admin AND removed_at IS NULL', [s.account.id]);
    expect(rows[0].n).toBe(1);
  });

  it('public routes: NUL, lone surrogates, long strings, deep or non-object JSON, forged tokens and keys are 4xx', async () => {
    const anon = new ApiClient(t.url);
    const calls = [
      anon.post('/api/v1/license-api/activations', { licenseKey: 'a\u0000b', hardwareId: 'x' }),
      anon.post('/api/v1/license-api/activations', { licenseKey: 'x'.repeat(19_999), hardwareId: 'x' }),
      anon.post('/api/v1/auth/login', { email: 'a\ud800@x.test', password: 'x'.repeat(12) }),
      anon.post('/api/v1/auth/login', { email: 'a@x.test', password: 'x'.repeat(19_999) }),
      anon.request('POST', '/api/v1/auth/login', '['.repeat(40) + ']'.repeat(40)),
      anon.request('POST', '/api/v1/auth/login', '"x"'),
      anon.request('POST', '/api/v1/auth/login', 'null'),
      anon.request('POST', '/api/v1/auth/login', '{"email":1e400,"password":"x"}'),
      anon.get(`/api/v1/audit-log/exports/${randomUUID()}/download?token=${'A'.repeat(5000)}`),
      anon.request('GET', '/api/v1/auth/me', undefined, { cookie: `kl_session=${'%00'.repeat(10)}` }),
      anon.request('GET', '/api/v1/products', undefined, { authorization: `Bearer ${'k'.repeat(8000)}` }),
      anon.request('GET', '/api/v1/products', undefined, { authorization: 'Basic Zm9vOmJhcg==' }),
    ];
    const statuses = (await Promise.all(calls)).map((r) => r.status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 401, 401, 401]);
  });

  it('odd audit-log queries answer 400 naming the field, or a page; none a 5xx', async () => {
    const q = (s: string) => owner.get(`/api/v1/audit-log?${s}`);
    const enc = encodeURIComponent;
    const cases: Array<[string, number, string?]> = [
      [`q=${enc('action:' + '*'.repeat(5000))}`, 400, 'query.q'],
      [`q=${enc('actor:' + '*'.repeat(900))}`, 400, 'query.q'],
      [`q=${enc('action:' + '*'.repeat(900))}`, 200],
      [`q=${enc('created:>=0000-01-01')}`, 400, 'query.q'],
      [`q=${enc('created:<10000-01-01')}`, 400, 'query.q'],
      ['from=2026-01-01T00:00:00%2B99:99', 400, 'query.from'],
      ['from=2026-02-30', 400, 'query.from'],
      [`cursor=${Buffer.from(JSON.stringify({ seq: '1e308' })).toString('base64url')}`, 400, 'query.cursor'],
      ['limit=-0', 400, 'query.limit'],
      ['actorId=ABCDEF00-0000-0000-0000-000000000000', 200],
      ['itemType=__proto__&itemId=00000000-0000-0000-0000-000000000000', 400, 'query.itemType'],
      [`text=${enc('%_\\'.repeat(60))}`, 200],
      [`q=${enc('"' + 'a'.repeat(100))}`, 200],
      ['q[]=1', 400, 'q[]'],
      ['q=1&q=2', 400, 'query.q'],
      ['__proto__[x]=1', 400, '__proto__'],
    ];
    const got = [];
    for (const [query, , named] of cases) {
      const res = await q(query);
      got.push({ query: query.slice(0, 60), status: res.status, named: named ? String(res.body?.message).includes(named) : true });
    }
    expect(got).toEqual(cases.map(([query, status]) => ({ query: query.slice(0, 60), status, named: true })));
  });

  it('a session opened before a self-service password change ends with it', async () => {
    const m = await member(['products:read']);
    const other = await signIn(m.email);
    await expectOk(m.api.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'new-password-123' }));
    expect((await other.get('/api/v1/products')).status).toBe(401);
    expect((await m.api.get('/api/v1/products')).status).toBe(200);
  });
});
