/**
 * The demo account: a new user's first look. Seeded through the real services (with a simulated
 * clock), so its entries are real entries: chained, linked, and covering the whole catalog.
 */
import { AUDIT_ACTIONS, type AuditEntry } from '@keyledger/contract';
import { DEMO_ACCOUNT, seedDemo } from '../src/demo/seed';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { expectOk } from './support/vendor';

const PASSWORD = 'demo-password-2026';
const DAY = 86_400_000;

describe('the demo account', () => {
  let t: TestApp;
  let admin: ApiClient;
  const entries: AuditEntry[] = [];
  let seconds = 0;

  beforeAll(async () => {
    t = await startApp({ DEMO_ADMIN_PASSWORD: PASSWORD });
    const started = Date.now();
    await seedDemo(t.app, t.env);
    seconds = (Date.now() - started) / 1000;
    admin = new ApiClient(t.url);
    await expectOk(admin.post('/api/v1/auth/login', { email: DEMO_ACCOUNT.adminEmail, password: PASSWORD }));
    let cursor: string | null = null;
    do {
      const page: { items: AuditEntry[]; nextCursor: string | null } = await expectOk(
        admin.get(`/api/v1/audit-log?limit=200${cursor ? `&cursor=${cursor}` : ''}`),
      );
      entries.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }, 180_000);
  afterAll(() => t.close());

  it('is seeded in reasonable time, once', async () => {
    console.log(`demo seed: ${entries.length} entries in ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(90);
    await seedDemo(t.app, t.env);
    const head = await expectOk<{ items: AuditEntry[] }>(admin.get('/api/v1/audit-log?limit=1'));
    expect(head.items[0]!.seq).toBe(entries[0]!.seq);
  });

  it('holds a few thousand entries covering all actions, spread over the past 90 days', () => {
    expect(entries.length).toBeGreaterThan(2000);
    const seen = new Set(entries.map((e) => e.action));
    expect(AUDIT_ACTIONS.filter((a) => !seen.has(a))).toEqual([]);
    const times = entries.map((e) => Date.parse(e.occurredAt));
    const oldest = Math.min(...times);
    expect(oldest).toBeGreaterThan(Date.now() - 91 * DAY);
    expect(oldest).toBeLessThan(Date.now() - 88 * DAY);
    expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
    // Newest first by seq, and time never runs backwards.
    for (let i = 1; i < entries.length; i++) expect(times[i]!).toBeLessThanOrEqual(times[i - 1]!);
    expect(entries.filter((e) => e.changes.length === 0).map((e) => `${e.seq} ${e.action}`)).toEqual([]);
    const perWeek = new Set(times.map((ms) => Math.floor((Date.now() - ms) / (7 * DAY))));
    expect(perWeek.size).toBeGreaterThanOrEqual(13);
  });

  it('has several staff as actors, and device entries linked up to the customer', () => {
    const actors = new Set(entries.map((e) => e.actor.email));
    expect(actors.size).toBeGreaterThanOrEqual(5);
    const device = entries.find((e) => e.action === 'device_borrowed')!;
    expect(device.links.map((l) => l.type)).toEqual(['device', 'license', 'order', 'customer', 'product']);
  });

  it('verifies: the chain of every seeded entry is intact', async () => {
    const report = await expectOk<{ ok: boolean; entriesChecked: number }>(admin.get('/api/v1/audit-log/integrity'));
    expect(report).toMatchObject({ ok: true, entriesChecked: entries.length });
  });

  it("lets a support user sign in with their template's permissions", async () => {
    const ann = new ApiClient(t.url);
    const session = await expectOk<{ user: { permissions: string[] } }>(ann.post('/api/v1/auth/login', { email: 'ann@acme.test', password: PASSWORD }));
    expect(session.user.permissions).toEqual(expect.arrayContaining(['licenses:write', 'devices:write']));
    expect((await ann.get('/api/v1/licenses?limit=5')).status).toBe(200);
    expect((await ann.get('/api/v1/platform-users')).status).toBe(403);
  });
});
