/**
 * An item's History and what its Export writes are the same entries: with its related items by
 * default, only the item's own entries with related=false — on the list API and in the export file.
 * And actions with nothing to do (resetting a count of 0, a license without activations) are
 * refused with 409 and a message saying so, writing no entry.
 */
import { type AuditEntry, type AuditExport } from '@keyledger/contract';
import { type AppWithWorker, startAppWithWorker } from './support/export-jobs';
import { ApiClient } from './support/client';
import { expectOk, VendorFixtures } from './support/vendor';

jest.setTimeout(90_000);

let w: AppWithWorker;
let api: ApiClient;
let f: VendorFixtures;

beforeAll(async () => {
  w = await startAppWithWorker();
  api = new ApiClient(w.t.url);
  await api.signup();
  f = new VendorFixtures(api);
});
afterAll(() => w?.close());

const seqs = (entries: AuditEntry[]) => entries.map((e) => e.seq);

async function exported(filter: Record<string, unknown>): Promise<{ done: AuditExport; seqs: number[] }> {
  const { id } = await expectOk<{ id: string }>(api.post('/api/v1/audit-log/exports', { format: 'ndjson', filter }), [202]);
  const done = await w.finished(api, id);
  expect(done.status).toBe('completed');
  const file = await w.download(done.downloadUrl!);
  // The first line is the manifest (for offline verification), then one entry a line.
  const [manifest, ...lines] = file.body.toString('utf8').split('\n').filter(Boolean);
  expect(JSON.parse(manifest!)).toHaveProperty('manifest');
  return { done, seqs: lines.map((l) => (JSON.parse(l) as AuditEntry).seq!) };
}

describe("a customer's History and its export", () => {
  it('export exactly what the History shows, with related items or without', async () => {
    const customer = await f.customer();
    const order = await f.order(customer.id);
    const product = await f.product();
    const license = await f.license({ orderId: order.id, productId: product.id });
    await expectOk(api.post(`/api/v1/licenses/${license.id}/disable`));
    await expectOk(api.patch(`/api/v1/customers/${customer.id}`, { company: 'Key account Ltd' }));

    const withRelated = await f.history('customers', customer.id);
    const ownOnly = await f.history('customers', customer.id, '?related=false');
    expect(seqs(ownOnly.items).length).toBe(2); // customer_created, customer_updated
    expect(seqs(withRelated.items).length).toBeGreaterThan(ownOnly.items.length);

    // The account list with the same item: the same entries.
    const list = (q: string) => expectOk<{ items: AuditEntry[] }>(api.get(`/api/v1/audit-log?itemType=customer&itemId=${customer.id}${q}`));
    expect(seqs((await list('')).items)).toEqual(seqs(withRelated.items));
    expect(seqs((await list('&related=false')).items)).toEqual(seqs(ownOnly.items));

    // The export files: oldest first, the same entries as the History in each mode.
    const all = await exported({ itemType: 'customer', itemId: customer.id });
    expect(all.seqs).toEqual(seqs(withRelated.items).reverse());
    expect(all.done.filterDescription).toMatch(/and its related items/);
    const own = await exported({ itemType: 'customer', itemId: customer.id, related: false });
    expect(own.seqs).toEqual(seqs(ownOnly.items).reverse());
    expect(own.done.filterDescription).toMatch(/not its related items/);
  });

  it('refuses related=false without an item, naming the field, and queues nothing', async () => {
    const res = await api.get<{ message: string }>('/api/v1/audit-log?related=false');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/related/);
    const before = await expectOk<{ items: unknown[] }>(api.get('/api/v1/audit-log/exports'));
    const post = await api.post<{ message: string }>('/api/v1/audit-log/exports', { format: 'csv', filter: { related: false } });
    expect(post.status).toBe(400);
    expect(post.body.message).toMatch(/body\.filter\.related/);
    const after = await expectOk<{ items: unknown[] }>(api.get('/api/v1/audit-log/exports'));
    expect(after.items.length).toBe(before.items.length);
  });
});

describe('actions with nothing to do', () => {
  async function refusedWithoutEntry(path: string, message: RegExp) {
    const before = (await f.latestEntry()).seq;
    const res = await api.post<{ message: string }>(path);
    expect({ status: res.status, message: res.body.message }).toEqual({ status: 409, message: expect.stringMatching(message) });
    expect((await f.latestEntry()).seq).toBe(before);
  }

  it('reset on a license without activations answers 409 and writes nothing', async () => {
    const license = await f.license();
    await refusedWithoutEntry(`/api/v1/licenses/${license.id}/reset`, /no activations to reset/);
    const device = await f.device(license.key);
    await expectOk(api.post(`/api/v1/licenses/${license.id}/reset`));
    await refusedWithoutEntry(`/api/v1/licenses/${license.id}/reset`, /no activations to reset/);
    await refusedWithoutEntry(`/api/v1/devices/${device.id}/reset`, /no activation to reset/);
  });

  it('reset consumption on a count of 0 answers 409 and writes nothing', async () => {
    const license = await f.license({ type: 'consumption', maxConsumptions: 5 });
    expect(license.consumptions).toBe(0);
    await refusedWithoutEntry(`/api/v1/licenses/${license.id}/consumption/reset`, /no consumptions to reset/);
  });
});
