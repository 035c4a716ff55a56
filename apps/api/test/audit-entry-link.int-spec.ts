/**
 * Entry links: `GET /api/v1/audit-log/entries/:id` answers one entry of the caller's account (what
 * `/settings/audit-logs?entry=<id>` opens), 404 for another account's entry, 403 without audit_log:read.
 */
import { startApp, type TestApp } from './support/app';
import { ApiClient } from './support/client';
import { typedClient } from './support/typed-client';
import { VendorFixtures } from './support/vendor';

describe('audit entry by id', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers the account's own entry, and 404 for another account's", async () => {
    const ann = new ApiClient(t.url);
    await ann.signup();
    const product = await new VendorFixtures(ann).product();
    const latest = await new VendorFixtures(ann).latestEntry();
    expect(latest.target.id).toBe(product.id);

    const res = await typedClient(ann).auditLog.get({ params: { id: latest.id } });
    expect(res.status).toBe(200);
    expect(res.status === 200 && res.body).toEqual(latest);

    const bob = new ApiClient(t.url);
    await bob.signup();
    const other = await typedClient(bob).auditLog.get({ params: { id: latest.id } });
    expect(other.status).toBe(404);

    const bad = await ann.get('/api/v1/audit-log/entries/not-a-uuid');
    expect(bad.status).toBe(400);
  });
});
