/**
 * Support work by license key: the Licenses list finds a license by its full key or part of it, and
 * the audit search takes a full key pasted from a customer's email, matches the entries by the masked
 * key they hold (the log never stores the full key) and finds nothing under the full key itself.
 */
import { maskLicenseKey } from '@keyledger/contract';
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { connectDb } from './support/db';
import { typedClient } from './support/typed-client';
import { VendorFixtures } from './support/vendor';

describe('license key search', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists licenses by full key (any case), by part of it and by its masked form; refuses bad input', async () => {
    const api = new ApiClient(t.url);
    await api.signup();
    const vendor = new VendorFixtures(api);
    const [a, b] = [await vendor.license(), await vendor.license()];
    const typed = typedClient(api);

    const byKey = async (key: string) => {
      const res = await typed.licenses.list({ query: { key } });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return res.body.items.map((l) => l.id);
    };
    expect(await byKey(a.key.toLowerCase())).toEqual([a.id]);
    expect(await byKey(b.key.split('-')[3]!)).toContain(b.id);
    expect(await byKey(b.key.split('-')[3]!)).not.toContain(a.id);
    expect(await byKey(maskLicenseKey(a.key))).toEqual([a.id]);
    expect(await byKey('ZZZZ-ZZZZ-ZZZZ-ZZZ9')).toEqual([]);
    // LIKE's wildcards are refused by the schema rather than matching everything.
    const bad = await api.get('/api/v1/licenses?key=%25');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('key');
  });

  it("finds a license's entries by its full key, through the masked key, without the full key in the log", async () => {
    const api = new ApiClient(t.url);
    const { account } = await api.signup();
    const vendor = new VendorFixtures(api);
    const license = await vendor.license();
    await expectOkPost(api, `/api/v1/licenses/${license.id}/disable`);
    const typed = typedClient(api);

    const res = await typed.auditLog.list({ query: { q: license.key.toLowerCase() } });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    const actions = res.body.items.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['license_created', 'license_disabled']));
    for (const e of res.body.items) {
      expect(e.links.some((l) => l.type === 'license' && l.id === license.id)).toBe(true);
    }

    // The same through the free-text field.
    const text = await typed.auditLog.list({ query: { text: license.key } });
    expect(text.status === 200 && text.body.items.length).toBe(res.body.items.length);

    // The log holds the masked key only.
    const db = await connectDb();
    try {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM audit_entries WHERE account_id = $1 AND (search_text ILIKE $2 OR target_label ILIKE $2)`,
        [account.id, `%${license.key}%`],
      );
      expect(rows[0]!.n).toBe('0');
    } finally {
      await db.end();
    }
  });
});

async function expectOkPost(api: ApiClient, path: string) {
  const res = await api.post(path);
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
}
