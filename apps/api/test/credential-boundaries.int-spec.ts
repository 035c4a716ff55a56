/**
 * Three doors issue 12 left ajar, closed and tried from the outside over HTTP:
 * - an API key setting a password (it could create a user it can sign in as, then mint keys that
 *   outlive the key, its revocation and its creator's removal);
 * - an export's download link working after whoever it counts as lost the right to export;
 * - an admin setting a password doing argon2 work outside the per-process hashing gate.
 */
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { type Permission } from '@keyledger/contract';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { type AppWithWorker, startAppWithWorker } from './support/export-jobs';
import { ok, type TypedClient, typedClient } from './support/typed-client';

let w: AppWithWorker;
let db: Client;
let owner: ApiClient;
let ownerApi: TypedClient;
let accountId: string;

const PASSWORD = 'staff-password-1';

beforeAll(async () => {
  w = await startAppWithWorker({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' });
  db = await connectDb();
  owner = new ApiClient(w.t.url);
  accountId = (await owner.signup()).account.id;
  ownerApi = typedClient(owner);
});

afterAll(async () => {
  await db?.end();
  await w?.close();
});

async function template(permissions: Permission[]) {
  return ok(await ownerApi.permissionTemplates.create({ body: { name: `T ${randomUUID().slice(0, 8)}`, permissions } }), 201);
}

/** A staff member with `permissions`, signed in. */
async function member(permissions: Permission[]) {
  const tpl = await template(permissions);
  const email = uniqueEmail('staff');
  const user = ok(await ownerApi.platformUsers.create({ body: { email, name: `Staff ${email.slice(6, 14)}`, password: PASSWORD, permissionTemplateId: tpl.id } }), 201);
  const api = new ApiClient(w.t.url);
  ok(await typedClient(api).auth.login({ body: { email, password: PASSWORD } }), 200);
  return { user, api, typed: typedClient(api), templateId: tpl.id };
}

async function keyOf(by: ApiClient, permissions: Permission[]) {
  const created = ok(await typedClient(by).apiKeys.create({ body: { name: `key ${randomUUID().slice(0, 6)}`, permissions } }), 201);
  return typedClient(new ApiClient(w.t.url), { authorization: `Bearer ${created.secret}` });
}

async function counts() {
  const { rows } = await db.query(
    `SELECT (SELECT count(*)::int FROM platform_users WHERE account_id = $1) AS users,
            (SELECT string_agg(password_hash, ',' ORDER BY id) FROM platform_users WHERE account_id = $1) AS hashes,
            (SELECT count(*)::int FROM audit_entries WHERE account_id = $1 AND action <> 'permission_denied') AS entries`,
    [accountId],
  );
  return rows[0] as { users: number; hashes: string; entries: number };
}

function expectNamed(res: { status: number; body: unknown }, status: number, field: string, words: RegExp) {
  const body = res.body as { message?: string; errors?: Array<{ path: string }> };
  expect({ status: res.status, message: body.message }).toEqual({ status, message: expect.stringMatching(words) });
  expect(body.message?.startsWith(`${field}:`) || body.errors?.some((e) => e.path === field)).toBe(true);
}

describe('an API key sets no password', () => {
  it('cannot create a user (a password is required), nor set any user\'s password; it can still rename', async () => {
    const manager = await member(['settings:users', 'settings:api_keys', 'audit_log:read']);
    const key = await keyOf(manager.api, ['settings:users']);
    const weaker = await member(['audit_log:read']);
    const before = await counts();

    const created = await key.platformUsers.create({ body: { email: uniqueEmail('by-key'), name: 'By key', password: 'key-chosen-pass-1' } });
    expectNamed(created, 403, 'password', /API key cannot set a password/);
    const reset = await key.platformUsers.update({ params: { id: weaker.user.id }, body: { password: 'key-chosen-pass-2' } });
    expectNamed(reset, 403, 'password', /API key cannot set a password/);
    const ownReset = await key.platformUsers.update({ params: { id: manager.user.id }, body: { password: 'key-chosen-pass-3' } });
    expectNamed(ownReset, 403, 'password', /API key cannot set a password/);
    expect(await counts()).toEqual(before);

    // The old password of the weaker user still signs in; the key's own reach is otherwise unchanged.
    ok(await typedClient(new ApiClient(w.t.url)).auth.login({ body: { email: weaker.user.email, password: PASSWORD } }), 200);
    const renamed = ok(await key.platformUsers.update({ params: { id: weaker.user.id }, body: { name: 'Renamed by key' } }), 200);
    expect(renamed.name).toBe('Renamed by key');
  });

  it('a signed-in user with settings:users still creates users and sets passwords below their own rank', async () => {
    const manager = await member(['settings:users', 'audit_log:read']);
    const readerTemplate = await template(['audit_log:read']);
    const email = uniqueEmail('made');
    ok(await manager.typed.platformUsers.create({ body: { email, name: 'Made', password: 'made-password-1', permissionTemplateId: readerTemplate.id } }), 201);
    ok(await typedClient(new ApiClient(w.t.url)).auth.login({ body: { email, password: 'made-password-1' } }), 200);
  });
});

describe('a download link carries no rights of its own', () => {
  async function finishedExport(by: ApiClient) {
    const created = ok(await typedClient(by).auditExports.create({ body: { format: 'csv', filter: {} } }), 202);
    const done = await w.finished(by, created.id);
    expect(done.status).toBe('completed');
    return done.downloadUrl!;
  }

  it('stops working when the requester loses audit_log:export, and again when they are removed', async () => {
    const exporter = await member(['audit_log:read', 'audit_log:export']);
    const link = await finishedExport(exporter.api);
    expect((await w.download(link)).status).toBe(200);

    ok(await ownerApi.permissionTemplates.setPermissions({ params: { id: exporter.templateId }, body: { permissions: ['audit_log:read'] } }), 200);
    const demoted = await w.download(link);
    expect(demoted.status).toBe(403);
    expect(demoted.body.toString()).toMatch(/can no longer export the audit log \(audit_log:export\)/);

    ok(await ownerApi.permissionTemplates.setPermissions({ params: { id: exporter.templateId }, body: { permissions: ['audit_log:read', 'audit_log:export'] } }), 200);
    expect((await w.download(link)).status).toBe(200);

    ok(await ownerApi.platformUsers.remove({ params: { id: exporter.user.id } }), 204);
    expect((await w.download(link)).status).toBe(403);
  });

  it('with a session, counts as the signed-in user: one without the permission is refused, an admin is let through', async () => {
    const link = await finishedExport(owner);
    const reader = await member(['audit_log:read']);
    const cookie = (api: ApiClient) => ({ cookie: [...api.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    const refused = await w.download(link, cookie(reader.api));
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toMatch(/You need the audit_log:export permission/);
    expect((await w.download(link, cookie(owner))).status).toBe(200);
  });

  it("follows an API key requester's effective permissions: its creator's loss is the link's", async () => {
    const creator = await member(['audit_log:read', 'audit_log:export', 'settings:api_keys']);
    const key = await keyOf(creator.api, ['audit_log:read', 'audit_log:export']);
    const created = ok(await key.auditExports.create({ body: { format: 'ndjson', filter: {} } }), 202);
    const done = await w.finished(owner, created.id);
    expect((await w.download(done.downloadUrl!)).status).toBe(200);
    ok(await ownerApi.permissionTemplates.setPermissions({ params: { id: creator.templateId }, body: { permissions: ['audit_log:read'] } }), 200);
    expect((await w.download(done.downloadUrl!)).status).toBe(403);
  });
});

describe('an admin setting a password passes the hashing gate', () => {
  it('refuses with 429 and Retry-After beyond the gate (concurrency 1, no queue), writing nothing for the refused', async () => {
    const targets = [];
    for (let i = 0; i < 6; i++) targets.push(await member(['audit_log:read']));
    const before = await counts();
    const answers: Array<{ status: number; headers: Headers }> = [];
    // One place and no queue: six sets at once cannot all get it. (Rounds only guard against a machine so
    // slow that one hash ends before the next request reaches the gate; without the gate none is ever refused.)
    for (let round = 0; round < 5 && !answers.some((a) => a.status === 429); round++) {
      answers.push(...(await Promise.all(targets.map((m, i) => owner.patch(`/api/v1/platform-users/${m.user.id}`, { password: `new-password-${round}-${i}` })))));
    }
    const statuses = answers.map((a) => a.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    expect(statuses.filter((st) => st !== 200 && st !== 429)).toEqual([]);
    for (const a of answers.filter((x) => x.status === 429)) expect(a.headers.get('retry-after')).toBe('1');
    const changed = statuses.filter((st) => st === 200).length;
    // Each accepted change wrote its entry; a refused one wrote none.
    const { rows } = await db.query(
      "SELECT count(*)::int AS n FROM audit_entries WHERE account_id = $1 AND action = 'user_password_changed' AND target_id = ANY($2)",
      [accountId, targets.map((m) => m.user.id)],
    );
    expect(rows[0].n).toBe(changed);
    const after = await counts();
    expect(after.users).toBe(before.users);
  });
});
