import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, uniqueEmail } from './support/client';
import { errorMessage, expectStatus, typedClient } from './support/typed-client';
import { startApp, type TestApp } from './support/app';
import { readRunState } from './support/test-db';
import { TcpProxy } from './support/tcp-proxy';

describe('accounts, sign-up and sessions', () => {
  let t: TestApp;
  let webDist: string;

  beforeAll(async () => {
    webDist = mkdtempSync(join(tmpdir(), 'keyledger-web-'));
    writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Keyledger</title><div id="root"></div>');
    mkdirSync(join(webDist, 'assets'));
    writeFileSync(join(webDist, 'assets', 'app-1.js'), 'console.log(1)');
    t = await startApp({ WEB_DIST: webDist, LOGIN_RATE_LIMIT: '5' });
  });
  afterAll(() => t.close());

  it('signs up: creates the account and its admin, and is signed in', async () => {
    const c = typedClient(new ApiClient(t.url));
    const email = uniqueEmail('founder');
    const res = await c.auth.signup({ body: { accountName: 'Globex Tools', name: 'Gina', email, password: 'long-enough-pw-1' } });
    expectStatus(res, 201);
    expect(res.body.user).toMatchObject({ email, name: 'Gina', isAdmin: true });
    expect(res.body.account).toMatchObject({ name: 'Globex Tools' });
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('kl_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await c.auth.me();
    expectStatus(me, 200);
    expect(me.body.user.email).toBe(email);
    expect(me.body.user.permissions).toContain('audit_log:read');
  });

  it('refuses a second account with the same email (409), in any letter case', async () => {
    const c = new ApiClient(t.url);
    const { user } = await c.signup();
    const again = await typedClient(new ApiClient(t.url)).auth.signup({ body: {
      accountName: 'Copycat', name: 'X', email: user.email.toUpperCase(), password: 'long-enough-pw-1',
    } });
    expect(again.status).toBe(409);
    expect(errorMessage(again)).toMatch(/email/);
  });

  it.each([
    [{ password: 'short1' }, 'body.password', /at least 10/],
    [{ password: 'onlyletterslong' }, 'body.password', /letter and a digit/],
    [{ email: 'not-an-email' }, 'body.email', /email/i],
    [{ accountName: undefined }, 'body.accountName', /Required/],
  ])('answers 400 naming the field for %j', async (override, path, message) => {
    const body = { accountName: 'Field Test', name: 'F', email: uniqueEmail(), password: 'long-enough-pw-1', ...override };
    // Bodies the contract refuses (one lacks accountName), sent raw.
    const res = await new ApiClient(t.url).post('/api/v1/auth/signup', body);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
    expect(res.body.message).toContain(path);
    expect(res.body.requestId).toBe(res.headers.get('x-request-id'));
    const login = await typedClient(new ApiClient(t.url)).auth.login({ body: { email: body.email, password: body.password } });
    expect(login.status).toBe('email' in override ? 400 : 401);
  });

  it('logs in; a wrong password and an unknown user get the same 401', async () => {
    const owner = new ApiClient(t.url);
    const { user, password } = await owner.signup();
    const good = await typedClient(new ApiClient(t.url)).auth.login({ body: { email: user.email, password } });
    expectStatus(good, 200);
    expect(good.body.user.id).toBe(user.id);
    const wrong = await typedClient(new ApiClient(t.url)).auth.login({ body: { email: user.email, password: 'wrong-password-9' } });
    const unknown = await typedClient(new ApiClient(t.url)).auth.login({ body: { email: uniqueEmail('ghost'), password } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(errorMessage(wrong)).toBe(errorMessage(unknown));
  });

  it('limits login attempts per address and email (429)', async () => {
    const { user } = await new ApiClient(t.url).signup();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await typedClient(new ApiClient(t.url)).auth.login({ body: { email: user.email, password: `bad-guess-${i}0` } })).status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('logout revokes the session on the server: the old cookie no longer works', async () => {
    const c = new ApiClient(t.url);
    await c.signup();
    const api = typedClient(c);
    const stolen = new Map(c.cookies);
    expect((await api.auth.logout()).status).toBe(204);
    expect((await api.auth.me()).status).toBe(401);
    const replay = new ApiClient(t.url);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect((await typedClient(replay).auth.me()).status).toBe(401);
  });

  it('refuses a mutation without the CSRF header', async () => {
    const c = new ApiClient(t.url);
    await c.signup();
    const api = typedClient(c);
    const res = await api.auth.logout({ extraHeaders: { 'x-csrf-token': 'forged' } });
    expect(res.status).toBe(403);
    expect(errorMessage(res)).toMatch(/CSRF/);
    expect((await api.auth.me()).status).toBe(200);
  });

  it('keeps accounts apart: each session sees only its own account and users', async () => {
    const a = new ApiClient(t.url);
    const b = new ApiClient(t.url);
    const sa = await a.signup();
    const sb = await b.signup();
    const typedB = typedClient(b);
    const meB = await typedB.auth.me();
    expectStatus(meB, 200);
    expect(meB.body.account.id).toBe(sb.account.id);
    expect(JSON.stringify(meB.body)).not.toContain(sa.account.id);
    expect((await typedB.platformUsers.get({ params: { id: sa.user.id } })).status).toBe(404);
    const list = await typedB.platformUsers.list();
    expectStatus(list, 200);
    expect(list.body.items.map((u) => u.id)).toEqual([sb.user.id]);
  });

  it('answers 401 on a protected route without a session, with the shared error body', async () => {
    const res = await typedClient(new ApiClient(t.url)).auditLog.list();
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), requestId: expect.any(String) });
  });

  it("returns the server's own request id on every response, and a well-formed one the caller sent beside it", async () => {
    const res = await typedClient(new ApiClient(t.url)).health.check({ extraHeaders: { 'x-request-id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-client-request-id')).toBe('trace-abc-123');
    const other = await typedClient(new ApiClient(t.url)).health.check({ extraHeaders: { 'x-request-id': 'bad id with spaces' } });
    expect(other.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(other.headers.get('x-client-request-id')).toBeNull();
  });

  it('serves the web app at / and its client-side routes, and JSON 404s under /api', async () => {
    for (const path of ['/', '/settings/audit-logs']) {
      const res = await fetch(t.url + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    expect((await fetch(`${t.url}/assets/app-1.js`)).status).toBe(200);
    // A file built after start-up is served too; a missing asset is a 404, never index.html.
    writeFileSync(join(webDist, 'assets', 'app-2.js'), 'console.log(2)');
    expect(await (await fetch(`${t.url}/assets/app-2.js`)).text()).toBe('console.log(2)');
    expect((await fetch(`${t.url}/assets/gone-0.js`)).status).toBe(404);
    // A path outside the contract, sent raw.
    const api = await new ApiClient(t.url).get('/api/v1/no-such-route');
    expect(api.status).toBe(404);
    expect(api.body.statusCode).toBe(404);
  });

  it('serves the OpenAPI document generated from the contract, and Swagger UI', async () => {
    const doc = await (await fetch(`${t.url}/api/docs/openapi.json`)).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/audit-log', '/api/v1/health']));
    const ui = await fetch(`${t.url}/api/docs`);
    expect(await ui.text()).toContain('swagger-ui');
  });
});

describe('health', () => {
  it('says both services are up', async () => {
    const t = await startApp();
    try {
      const res = await typedClient(new ApiClient(t.url)).health.check();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', db: 'up', redis: 'up', sealing: expect.objectContaining({ entries: expect.any(Number), failingAccounts: 0 }) });
    } finally {
      await t.close();
    }
  });

  it('answers 503 naming the database when its port closes', async () => {
    const state = readRunState();
    const pg = new URL(state.databaseUrl);
    const proxy = new TcpProxy(pg.hostname, Number(pg.port || 5432));
    pg.port = String(await proxy.start());
    const t = await startApp({ DATABASE_URL: pg.toString() });
    try {
      expect((await typedClient(new ApiClient(t.url)).health.check()).status).toBe(200);
      await proxy.stop();
      const res = await typedClient(new ApiClient(t.url)).health.check();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'degraded', db: 'down', redis: 'up' });
    } finally {
      await t.close().catch(() => undefined);
    }
  });

  it('answers 503 naming Redis when it cannot be reached', async () => {
    const t = await startApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await typedClient(new ApiClient(t.url)).health.check();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'degraded', db: 'up', redis: 'down', sealing: expect.objectContaining({ entries: expect.any(Number), failingAccounts: 0 }) });
    } finally {
      await t.close();
    }
  });
});
