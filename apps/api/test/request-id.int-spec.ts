import { startApp, type TestApp } from './support/app';
import { expectStatus, signedUpTyped, type TypedClient } from './support/typed-client';

/** The request id in an audit entry is the server's own; a caller's id is only kept beside it, bounded. */
describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  async function createProduct(api: TypedClient, requestId: string) {
    const res = await api.products.create({
      body: { name: 'Traced', code: `tr-${Math.random().toString(36).slice(2, 8)}` },
      extraHeaders: { 'x-request-id': requestId },
    });
    expectStatus(res, 201);
    const history = await api.products.auditLog({ params: { id: res.body.id } });
    expectStatus(history, 200);
    expect(history.body.items).toHaveLength(1);
    return { res, entry: history.body.items[0]! };
  }

  it("stores the server's id in the entry, not the caller's, and echoes a well-formed caller id beside it", async () => {
    const { api } = await signedUpTyped(t.url);
    const { res, entry } = await createProduct(api, 'caller-chosen-trace-1');
    const serverId = res.headers.get('x-request-id')!;
    expect(serverId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(entry.context.requestId).toBe(serverId);
    expect(res.headers.get('x-client-request-id')).toBe('caller-chosen-trace-1');
    expect(JSON.stringify(entry)).not.toContain('caller-chosen-trace-1');
  });

  it("a caller cannot make two entries share a request id, nor plant an id in the log", async () => {
    const { api } = await signedUpTyped(t.url);
    const a = await createProduct(api, 'same-id');
    const b = await createProduct(api, 'same-id');
    expect(a.entry.context.requestId).not.toBe(b.entry.context.requestId);
    // Too long, a space, a non-ASCII character: not kept at all.
    for (const bad of ['x'.repeat(129), 'with space', 'ünïcode', '"quoted"\u0007']) {
      const { res, entry } = await createProduct(api, bad).catch(() => ({ res: null, entry: null }));
      if (!res) continue; // a header value fetch itself refuses to send
      expect(res.headers.get('x-client-request-id')).toBeNull();
      expect(entry!.context.requestId).toBe(res.headers.get('x-request-id'));
    }
    const longest = await createProduct(api, 'y'.repeat(128));
    expect(longest.res.headers.get('x-client-request-id')).toBe('y'.repeat(128));
  });
});
