/**
 * The Access and security group over HTTP: each event writes its entry (action, actor, target,
 * context) through the one write path, the bounded events cannot flood an account's log, refused
 * requests write nothing else, and failures that name no user belong to no account.
 */
import { type AuditEntry, auditActionsInGroup } from '@keyledger/contract';
import { type Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { FLOOD_BOUND } from '../src/audit/security-events.service';
import { ApiClient, uniqueEmail } from './support/client';
import { connectDb } from './support/db';
import { type AppWithWorker, startAppWithWorker } from './support/export-jobs';
import { type AuditLogListQuery, errorMessage, expectStatus, keyClient, ok, typedClient, type TypedClient } from './support/typed-client';

const PASSWORD = 'staff-password-1';

describe('access and security events', () => {
  let jobs: AppWithWorker;
  let url: string;
  let db: Client;
  let adminClient: ApiClient;
  let admin: TypedClient;
  let adminUser: { id: string; name: string; email: string; password: string };

  beforeAll(async () => {
    // Sign-in attempts per address are limited by LOGIN_RATE_LIMIT; raised here so the audit bound is what is tested.
    jobs = await startAppWithWorker({ LOGIN_RATE_LIMIT: '1000' });
    url = jobs.t.url;
    db = await connectDb();
    adminClient = new ApiClient(url);
    admin = typedClient(adminClient);
    const s = await adminClient.signup();
    adminUser = { ...s.user, password: s.password };
  });
  afterAll(async () => {
    await db?.end();
    await jobs?.close();
  });

  const agent = () => `security-test/${randomUUID()}`;

  async function entries(api: TypedClient, query: Omit<AuditLogListQuery, 'limit' | 'cursor'>): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: AuditEntry[]; nextCursor: string | null } = ok(await api.auditLog.list({ query: { limit: 200, ...query, cursor: cursor ?? undefined } }), 200);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async function staff(overrides: Record<string, unknown> = {}) {
    const email = uniqueEmail('staff');
    const u = ok(await admin.platformUsers.create({ body: { email, name: 'Sam Staff', password: PASSWORD, ...overrides } }), 201);
    return u;
  }

  async function signIn(email: string, password: string, userAgent = agent(), headers: Record<string, string> = {}) {
    const raw = new ApiClient(url);
    const c = typedClient(raw);
    const res = await c.auth.login({ body: { email, password }, extraHeaders: { 'user-agent': userAgent, ...headers } });
    return { client: c, raw, res, userAgent };
  }

  /** Every entry, in any account, written with this user agent (each test's requests carry a unique one). */
  async function entriesWithAgent(userAgent: string) {
    const r = await db.query<{ account_id: string; action: string }>('SELECT account_id, action FROM audit_entries WHERE user_agent = $1 ORDER BY seq', [userAgent]);
    return r.rows;
  }

  it('records a sign-in with the user as actor and target, and the IP and user agent (a forwarded-for header does not change the IP)', async () => {
    const u = await staff();
    const { res, userAgent } = await signIn(u.email, PASSWORD, agent(), { 'x-forwarded-for': '203.0.113.9' });
    expect(res.status).toBe(200);
    const [entry] = await entries(admin, { action: 'user_signed_in', itemType: 'platform_user', itemId: u.id });
    expect(entry).toMatchObject({
      action: 'user_signed_in',
      actor: { type: 'platform_user', id: u.id, name: 'Sam Staff', email: u.email },
      target: { type: 'platform_user', id: u.id, label: `Sam Staff <${u.email}>` },
      context: { ip: '127.0.0.1', userAgent, source: 'ui', requestId: res.headers.get('x-request-id') },
    });
  });

  it('records a wrong password for an existing user; the answer is the same 401 as for an unknown email', async () => {
    const u = await staff();
    const wrong = await signIn(u.email, 'not-the-password');
    const unknown = await signIn(uniqueEmail('nobody'), 'not-the-password');
    expect(wrong.res.status).toBe(401);
    expect(unknown.res.status).toBe(401);
    expect(errorMessage(wrong.res)).toBe(errorMessage(unknown.res));

    const [entry] = await entries(admin, { action: 'user_sign_in_failed', itemType: 'platform_user', itemId: u.id });
    expect(entry).toMatchObject({
      actor: { type: 'platform_user', id: u.id },
      target: { type: 'platform_user', id: u.id },
      changes: [{ field: 'reason', before: null, after: 'wrong password' }],
      context: { ip: '127.0.0.1', userAgent: wrong.userAgent },
    });
    // No session was opened by the failure.
    expect((await wrong.client.auth.me()).status).toBe(401);
  });

  it('writes no entry in any account for an unknown email', async () => {
    const { res, userAgent } = await signIn(uniqueEmail('ghost'), 'whatever-password');
    expect(res.status).toBe(401);
    expect(await entriesWithAgent(userAgent)).toEqual([]);
  });

  it(`bounds failed sign-ins: 30 for one user write ${FLOOD_BOUND} entries and one summary, and sign-in still works`, async () => {
    const u = await staff();
    const userAgent = agent();
    for (let i = 0; i < 30; i++) {
      const { res } = await signIn(u.email, `wrong-${i}`, userAgent);
      expect(res.status).toBe(401);
    }
    const failed = await entries(admin, { action: 'user_sign_in_failed', itemType: 'platform_user', itemId: u.id });
    expect(failed).toHaveLength(FLOOD_BOUND + 1);
    const [summary, ...rest] = failed; // newest first
    expect(summary!.changes).toEqual(
      expect.arrayContaining([{ field: 'suppressed', before: null, after: expect.stringMatching(/further ones are not recorded/) }]),
    );
    expect(rest.every((e) => !e.changes.some((c) => c.field === 'suppressed'))).toBe(true);
    expect(await entriesWithAgent(userAgent)).toHaveLength(FLOOD_BOUND + 1);

    // The bound is per user: another user's failure is still recorded, and so is this user's success.
    const other = await staff();
    expect((await signIn(other.email, 'wrong')).res.status).toBe(401);
    expect(await entries(admin, { action: 'user_sign_in_failed', itemType: 'platform_user', itemId: other.id })).toHaveLength(1);
    expect((await signIn(u.email, PASSWORD)).res.status).toBe(200);
    expect(await entries(admin, { action: 'user_signed_in', itemType: 'platform_user', itemId: u.id })).toHaveLength(1);
  });

  it('records a sign-out once: the ended session cannot sign out again', async () => {
    const u = await staff();
    const { client } = await signIn(u.email, PASSWORD);
    const userAgent = agent();
    expect((await client.auth.logout({ extraHeaders: { 'user-agent': userAgent } })).status).toBe(204);
    expect((await client.auth.logout()).status).toBe(401);
    const out = await entries(admin, { action: 'user_signed_out', itemType: 'platform_user', itemId: u.id });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ actor: { id: u.id }, target: { id: u.id }, context: { userAgent } });
  });

  it('records a password set by an admin (who, for whom) in the same request as the user update; a refused change writes nothing', async () => {
    const u = await staff();
    const res = await admin.platformUsers.update({ params: { id: u.id }, body: { password: 'another-password-9' } });
    expect(res.status).toBe(200);
    const [changed] = await entries(admin, { action: 'user_password_changed', itemType: 'platform_user', itemId: u.id });
    expect(changed).toMatchObject({
      actor: { type: 'platform_user', id: adminUser.id, email: adminUser.email },
      target: { type: 'platform_user', id: u.id },
      changes: expect.arrayContaining([{ field: 'password', before: '[redacted]', after: '[redacted]' }]),
      context: { requestId: res.headers.get('x-request-id') },
    });
    expect(JSON.stringify(changed)).not.toContain('another-password-9');
    const [updated] = await entries(admin, { action: 'platform_user_updated', itemType: 'platform_user', itemId: u.id });
    expect(updated!.context.requestId).toBe(changed!.context.requestId);

    // Too short a password: 400, and neither entry.
    expect((await admin.platformUsers.update({ params: { id: u.id }, body: { password: 'x' } })).status).toBe(400);
    expect(await entries(admin, { action: 'user_password_changed', itemType: 'platform_user', itemId: u.id })).toHaveLength(1);
  });

  it('records a self-service password change by the user and the other sessions it ended; a wrong current password writes nothing', async () => {
    const u = await staff();
    const elsewhere = await signIn(u.email, PASSWORD);
    const { client } = await signIn(u.email, PASSWORD);
    const wrong = await client.auth.changePassword({ body: { currentPassword: 'not-it-at-all-1', newPassword: 'brand-new-pass-7' } });
    expect(wrong.status).toBe(400);
    expect(await entries(admin, { q: `group:access_security item:platform_user:${u.id} action:user_password*,user_sessions*` })).toEqual([]);

    const res = await client.auth.changePassword({ body: { currentPassword: PASSWORD, newPassword: 'brand-new-pass-7' } });
    expect(res.status).toBe(204);
    const self = { type: 'platform_user', id: u.id, name: 'Sam Staff', email: u.email };
    const [changed] = await entries(admin, { action: 'user_password_changed', itemType: 'platform_user', itemId: u.id });
    expect(changed).toMatchObject({
      actor: self,
      target: { type: 'platform_user', id: u.id },
      changes: [
        { field: 'password', before: '[redacted]', after: '[redacted]' },
        { field: 'changedBy', before: null, after: 'the user' },
      ],
      context: { requestId: res.headers.get('x-request-id'), ip: '127.0.0.1' },
    });
    const [ended] = await entries(admin, { action: 'user_sessions_revoked', itemType: 'platform_user', itemId: u.id });
    expect(ended).toMatchObject({
      actor: self,
      changes: [
        { field: 'sessionsEnded', before: null, after: 1 },
        { field: 'reason', before: null, after: 'password changed' },
      ],
      context: { requestId: res.headers.get('x-request-id') },
    });
    expect((await elsewhere.client.auth.me()).status).toBe(401);
    expect((await client.auth.me()).status).toBe(200);
  });

  it('records the sessions ended when an admin sets a user’s password', async () => {
    const u = await staff();
    const { client } = await signIn(u.email, PASSWORD);
    const res = await admin.platformUsers.update({ params: { id: u.id }, body: { password: 'set-by-admin-3' } });
    expect(res.status).toBe(200);
    expect((await client.auth.me()).status).toBe(401);
    const [ended] = await entries(admin, { action: 'user_sessions_revoked', itemType: 'platform_user', itemId: u.id });
    expect(ended).toMatchObject({
      actor: { id: adminUser.id },
      changes: [
        { field: 'sessionsEnded', before: null, after: 1 },
        { field: 'reason', before: null, after: 'password changed' },
      ],
      context: { requestId: res.headers.get('x-request-id') },
    });
  });

  it('records the sessions ended when a user is removed, with their count', async () => {
    const u = await staff();
    await signIn(u.email, PASSWORD);
    const { client } = await signIn(u.email, PASSWORD);
    expect((await admin.platformUsers.remove({ params: { id: u.id } })).status).toBe(204);
    expect((await client.auth.me()).status).toBe(401);
    const [revoked] = await entries(admin, { action: 'user_sessions_revoked', itemType: 'platform_user', itemId: u.id });
    expect(revoked).toMatchObject({
      actor: { id: adminUser.id },
      target: { type: 'platform_user', id: u.id },
      changes: [
        { field: 'sessionsEnded', before: null, after: 2 },
        { field: 'reason', before: null, after: 'user removed' },
      ],
    });
    // A user who never signed in had no session to end: the removal alone.
    const idle = await staff();
    expect((await admin.platformUsers.remove({ params: { id: idle.id } })).status).toBe(204);
    expect(await entries(admin, { action: 'user_sessions_revoked', itemType: 'platform_user', itemId: idle.id })).toEqual([]);
    expect(await entries(admin, { action: 'platform_user_removed', itemType: 'platform_user', itemId: idle.id })).toHaveLength(1);
  });

  it('records an API key created (name and permissions, never the secret) and revoked, once', async () => {
    const res = await admin.apiKeys.create({ body: { name: 'CI deploy', permissions: ['products:read', 'licenses:read'] } });
    expectStatus(res, 201);
    const key = res.body;
    const [created] = await entries(admin, { action: 'api_key_created', itemType: 'api_key', itemId: key.id });
    expect(created).toMatchObject({
      actor: { type: 'platform_user', id: adminUser.id },
      target: { type: 'api_key', id: key.id, label: 'CI deploy' },
      changes: expect.arrayContaining([
        { field: 'permissions', before: null, after: ['products:read', 'licenses:read'] },
        { field: 'hint', before: null, after: key.hint },
      ]),
      context: { ip: '127.0.0.1' },
    });
    const raw = await db.query('SELECT changes::text, search_text FROM audit_entries WHERE id = $1', [created!.id]);
    expect(JSON.stringify(raw.rows)).not.toContain(key.secret.slice(8));

    expect((await admin.apiKeys.revoke({ params: { id: key.id } })).status).toBe(204);
    expect((await admin.apiKeys.revoke({ params: { id: key.id } })).status).toBe(409);
    const revoked = await entries(admin, { action: 'api_key_revoked', itemType: 'api_key', itemId: key.id });
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ actor: { id: adminUser.id }, target: { type: 'api_key', id: key.id } });
    // The key's whole story is one item filter away: item:api_key:<id>.
    const story = await entries(admin, { q: `item:api_key:${key.id}` });
    expect(story.map((e) => e.action)).toEqual(['api_key_revoked', 'api_key_created']);
  });

  it('records an export request with the format and the filter in words; an invalid filter writes nothing', async () => {
    const before = (await entries(admin, { action: 'audit_log_export_requested' })).length;
    const bad = await admin.auditExports.create({ body: { format: 'csv', filter: { q: 'group:nope' } } });
    expect(bad.status).toBe(400);
    expect(await entries(admin, { action: 'audit_log_export_requested' })).toHaveLength(before);

    const res = await admin.auditExports.create({ body: { format: 'csv', filter: { q: 'group:access_security' } } });
    expectStatus(res, 202);
    const [entry] = await entries(admin, { action: 'audit_log_export_requested', itemType: 'audit_export', itemId: res.body.id });
    expect(entry).toMatchObject({
      actor: { id: adminUser.id },
      target: { type: 'audit_export', id: res.body.id, label: 'Audit log export (CSV)' },
      changes: [
        { field: 'format', before: null, after: 'csv' },
        { field: 'filter', before: null, after: `${auditActionsInGroup('access_security').length} actions` },
      ],
    });
  });

  it('records each download by link with IP and user agent: by the requester without a session, by the signed-in user with one; a forged link writes nothing', async () => {
    const created = await admin.auditExports.create({ body: { format: 'ndjson', filter: {} } });
    expectStatus(created, 202);
    const id = created.body.id;
    const done = await jobs.finished(adminClient, id);
    expect(done.status).toBe('completed');

    const anonymous = agent();
    expect((await jobs.download(done.downloadUrl!, { 'user-agent': anonymous })).status).toBe(200);

    // A colleague who holds the link (forwarded mail), is signed in to the same account and may export
    // the audit log too (one who may not is refused: credential-boundaries.int-spec.ts).
    const exporters = ok(await admin.permissionTemplates.create({ body: { name: 'Exporters', permissions: ['audit_log:read', 'audit_log:export'] } }), 201);
    const colleague = await staff({ permissionTemplateId: exporters.id });
    const { raw } = await signIn(colleague.email, PASSWORD);
    const cookie = [...raw.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const signedIn = agent();
    expect((await jobs.download(done.downloadUrl!, { 'user-agent': signedIn, cookie })).status).toBe(200);

    const forged = agent();
    const token = new URL(done.downloadUrl!).searchParams.get('token')!;
    const bad = `${url}/api/v1/audit-log/exports/${id}/download?token=${token.slice(0, -2)}xx`;
    expect((await jobs.download(bad, { 'user-agent': forged })).status).toBe(403);
    expect(await entriesWithAgent(forged)).toEqual([]);

    const downloads = await entries(admin, { action: 'audit_log_export_downloaded', itemType: 'audit_export', itemId: id });
    expect(downloads).toHaveLength(2);
    expect(downloads[1]).toMatchObject({
      actor: { type: 'platform_user', id: adminUser.id },
      changes: expect.arrayContaining([{ field: 'via', before: null, after: 'download link, not signed in' }]),
      context: { ip: '127.0.0.1', userAgent: anonymous },
    });
    expect(downloads[0]).toMatchObject({
      actor: { type: 'platform_user', id: colleague.id },
      changes: expect.arrayContaining([{ field: 'via', before: null, after: 'download link, signed in' }]),
      context: { ip: '127.0.0.1', userAgent: signedIn },
    });
  });

  it('records a mutation refused for lack of permission (route, permission), answers the same 403, and writes nothing else', async () => {
    const u = await staff();
    const { client } = await signIn(u.email, PASSWORD);
    const products = (await entries(admin, { action: 'product_created' })).length;
    const userAgent = agent();
    const res = await client.products.create({ body: { name: 'Sneaky', code: 'sneaky' }, extraHeaders: { 'user-agent': userAgent } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'You need the products:write permission for this' });

    const denied = await entriesWithAgent(userAgent);
    expect(denied.map((e) => e.action)).toEqual(['permission_denied']);
    expect(await entries(admin, { action: 'product_created' })).toHaveLength(products);
    const [entry] = await entries(admin, { action: 'permission_denied', itemType: 'platform_user', itemId: u.id });
    expect(entry).toMatchObject({
      actor: { type: 'platform_user', id: u.id },
      target: { type: 'platform_user', id: u.id },
      changes: [
        { field: 'route', before: null, after: 'POST /api/v1/products' },
        { field: 'permission', before: null, after: 'products:write' },
      ],
      context: { ip: '127.0.0.1', userAgent, source: 'ui' },
    });

    // A refused read is answered 403 and not recorded.
    const reads = agent();
    expect((await client.products.list({ extraHeaders: { 'user-agent': reads } })).status).toBe(403);
    expect(await entriesWithAgent(reads)).toEqual([]);
  });

  it(`bounds refused requests per actor: 30 from one script write ${FLOOD_BOUND} entries and one summary`, async () => {
    const key = ok(await admin.apiKeys.create({ body: { name: 'Read-only script', permissions: ['products:read'] } }), 201);
    const userAgent = agent();
    const script = keyClient(url, key.secret);
    for (let i = 0; i < 30; i++) {
      const res = await script.products.create({ body: { name: `Flood ${i}`, code: `flood-${i}` }, extraHeaders: { 'user-agent': userAgent } });
      expect(res.status).toBe(403);
    }
    const denied = await entries(admin, { action: 'permission_denied', itemType: 'api_key', itemId: key.id });
    expect(denied).toHaveLength(FLOOD_BOUND + 1);
    expect(denied[0]!.changes.some((c) => c.field === 'suppressed')).toBe(true);
    expect(denied[0]).toMatchObject({ actor: { type: 'api_key', id: key.id, name: 'Read-only script', email: null }, context: { source: 'api' } });
    expect(await entriesWithAgent(userAgent)).toHaveLength(FLOOD_BOUND + 1);
  });

  it('finds the group with the search syntax: group:access_security and action:user_sign*', async () => {
    const security = await entries(admin, { q: 'group:access_security' });
    expect(new Set(security.map((e) => e.action))).toEqual(
      new Set([
        'user_signed_in',
        'user_sign_in_failed',
        'user_signed_out',
        'user_password_changed',
        'user_sessions_revoked',
        'api_key_created',
        'api_key_revoked',
        'audit_log_export_requested',
        'audit_log_export_downloaded',
        'permission_denied',
      ]),
    );
    const signIns = await entries(admin, { q: 'action:user_sign*' });
    expect(signIns.length).toBeGreaterThan(0);
    expect(new Set(signIns.map((e) => e.action))).toEqual(new Set(['user_signed_in', 'user_sign_in_failed', 'user_signed_out']));
    const groups = ok(await admin.auditLog.actions(), 200);
    expect(groups.groups.map((g) => g.id)).toContain('access_security');
  });
});
