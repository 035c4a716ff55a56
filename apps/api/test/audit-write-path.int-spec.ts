import { type AuditEntry, type Product } from '@keyledger/contract';
import { type Client } from 'pg';
import { ApiClient, type Res, uniqueEmail } from './support/client';
import { startApp, type TestApp } from './support/app';
import { connectDb } from './support/db';

describe('the audit write path', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await startApp();
    db = await connectDb();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  async function entries(c: ApiClient, query = ''): Promise<AuditEntry[]> {
    const res = await c.get(`/api/v1/audit-log?limit=200${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  /**
   * Runs a mutation and returns its response with the one entry it wrote (besides access-and-security
   * entries it names in `alongside`, e.g. a password change next to the user update).
   */
  async function audited<T>(
    c: ApiClient,
    call: () => Promise<Res<T>>,
    alongside: string[] = [],
  ): Promise<{ res: Res<T>; entry: AuditEntry; others: AuditEntry[] }> {
    const before = (await entries(c))[0]?.seq ?? 0;
    const res = await call();
    expect(res.status).toBeLessThan(300);
    const all = (await entries(c)).filter((e) => e.seq > before);
    const others = all.filter((e) => alongside.includes(e.action));
    expect(others.map((e) => e.action).sort()).toEqual([...alongside].sort());
    for (const o of others) expect(o.context.requestId).toBe(res.headers.get('x-request-id'));
    const after = all.filter((e) => !alongside.includes(e.action));
    expect(after).toHaveLength(1);
    const entry = after[0]!;
    expect(entry.context.requestId).toBe(res.headers.get('x-request-id'));
    return { res, entry, others };
  }

  const newProduct = (c: ApiClient, name = 'Studio', code = `st-${Math.random().toString(36).slice(2, 8)}`) =>
    c.post<Product>('/api/v1/products', { name, code, features: ['export'] });

  it('records each product action once, with actor, target, links and field changes', async () => {
    const c = new ApiClient(t.url);
    const { user } = await c.signup();
    const actor = { type: 'platform_user', id: user.id, name: user.name, email: user.email };

    const created = await audited(c, () => newProduct(c, 'Acme Studio', 'studio'));
    const p = created.res.body;
    expect(created.entry).toMatchObject({
      action: 'product_created',
      actor,
      target: { type: 'product', id: p.id, label: 'Acme Studio' },
      links: [{ type: 'product', id: p.id, label: 'Acme Studio' }],
    });
    expect(created.entry.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', before: null, after: 'Acme Studio' },
        { field: 'features', before: null, after: ['export'] },
        { field: 'status', before: null, after: 'active' },
      ]),
    );

    const renamed = await audited(c, () => c.patch(`/api/v1/products/${p.id}`, { name: 'Acme Studio Pro' }));
    expect(renamed.entry).toMatchObject({ action: 'product_updated', target: { label: 'Acme Studio Pro' } });
    expect(renamed.entry.changes).toEqual([{ field: 'name', before: 'Acme Studio', after: 'Acme Studio Pro' }]);

    const steps: Array<[string, string, { field: string; before: unknown; after: unknown }]> = [
      ['deactivate', 'product_deactivated', { field: 'status', before: 'active', after: 'inactive' }],
      ['activate', 'product_activated', { field: 'status', before: 'inactive', after: 'active' }],
      ['archive', 'product_archived', { field: 'archived', before: false, after: true }],
      ['unarchive', 'product_unarchived', { field: 'archived', before: true, after: false }],
    ];
    for (const [path, action, change] of steps) {
      const { entry } = await audited(c, () => c.post(`/api/v1/products/${p.id}/${path}`));
      expect(entry).toMatchObject({ action, actor, target: { type: 'product', id: p.id } });
      expect(entry.changes).toEqual([change]);
    }

    const deleted = await audited(c, () => c.delete(`/api/v1/products/${p.id}`));
    expect(deleted.entry.action).toBe('product_deleted');
    expect(deleted.entry.changes).toEqual([{ field: 'deletedAt', before: null, after: expect.any(String) }]);
    expect((await c.get('/api/v1/products')).body.items).toEqual([]);

    // The deleted product's history stays readable, newest first.
    const history = await c.get(`/api/v1/products/${p.id}/audit-log`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: AuditEntry) => e.action)).toEqual([
      'product_deleted',
      'product_unarchived',
      'product_archived',
      'product_activated',
      'product_deactivated',
      'product_updated',
      'product_created',
    ]);
  });

  it('records each platform user action once, with the password redacted', async () => {
    const c = new ApiClient(t.url);
    const { user: admin } = await c.signup();
    const email = uniqueEmail('ann');
    const added = await audited(c, () => c.post('/api/v1/platform-users', { email, name: 'Ann', password: 'first-password-1' }));
    const ann = added.res.body;
    expect(added.entry).toMatchObject({
      action: 'platform_user_added',
      actor: { id: admin.id, email: admin.email },
      target: { type: 'platform_user', id: ann.id, label: `Ann <${email}>` },
    });
    expect(added.entry.changes).toEqual(
      expect.arrayContaining([
        { field: 'email', before: null, after: email },
        { field: 'password', before: null, after: '[redacted]' },
      ]),
    );
    expect(JSON.stringify(added.entry)).not.toMatch(/argon2|first-password/);

    const updated = await audited(c, () => c.patch(`/api/v1/platform-users/${ann.id}`, { name: 'Ann B', password: 'second-password-2' }), [
      'user_password_changed',
    ]);
    expect(updated.others[0]).toMatchObject({ actor: { id: admin.id }, target: { type: 'platform_user', id: ann.id } });
    expect(JSON.stringify(updated.others)).not.toMatch(/argon2|second-password/);
    expect(updated.entry.action).toBe('platform_user_updated');
    expect(updated.entry.changes).toEqual(
      expect.arrayContaining([
        { field: 'name', before: 'Ann', after: 'Ann B' },
        { field: 'password', before: '[redacted]', after: '[redacted]' },
      ]),
    );
    expect(JSON.stringify(updated.entry)).not.toMatch(/argon2|second-password/);

    const removed = await audited(c, () => c.delete(`/api/v1/platform-users/${ann.id}`));
    expect(removed.entry).toMatchObject({ action: 'platform_user_removed', target: { id: ann.id, label: `Ann B <${email}>` } });
    // The snapshot does not change when the user is gone.
    expect((await entries(c)).find((e) => e.seq === added.entry.seq)?.actor).toMatchObject({ id: admin.id });
    // Removed users can no longer sign in.
    expect((await new ApiClient(t.url).post('/api/v1/auth/login', { email, password: 'second-password-2' })).status).toBe(401);
  });

  it('writes nothing and changes nothing when the handler fails', async () => {
    const c = new ApiClient(t.url);
    await c.signup();
    const p = (await newProduct(c)).body;
    const seqBefore = (await entries(c))[0]!.seq;

    const again = await c.post(`/api/v1/products/${p.id}/activate`);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/already active/);
    const dup = await c.post('/api/v1/products', { name: 'Other', code: p.code.toUpperCase() });
    expect(dup.status).toBe(409);
    const invalid = await c.patch(`/api/v1/products/${p.id}`, { name: '' });
    expect(invalid.status).toBe(400);
    await c.delete(`/api/v1/products/${p.id}`);
    const archivedDeleted = await c.post(`/api/v1/products/${p.id}/archive`);
    expect(archivedDeleted.status).toBe(409);

    const after = await entries(c);
    expect(after.map((e) => e.action).filter((_, i) => after[i]!.seq > seqBefore)).toEqual(['product_deleted']);
    expect((await c.get(`/api/v1/products/${p.id}`)).body).toMatchObject({ name: p.name, archived: false });
  });

  it('rolls the change back and answers 5xx when the entry cannot be written', async () => {
    await db.query(`
      CREATE OR REPLACE FUNCTION test_refuse_poisoned_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.target_label = 'poisoned' THEN RAISE EXCEPTION 'simulated audit write failure'; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`DROP TRIGGER IF EXISTS test_refuse_poisoned_entry ON audit_entries`);
    await db.query(`CREATE TRIGGER test_refuse_poisoned_entry BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION test_refuse_poisoned_entry()`);
    try {
      const c = new ApiClient(t.url);
      await c.signup();
      const p = (await newProduct(c, 'healthy')).body;
      const seqBefore = (await entries(c))[0]!.seq;

      const create: Res = await newProduct(c, 'poisoned');
      expect(create.status).toBe(500);
      expect(create.body.message).toMatch(/nothing was changed/);
      const rename = await c.patch(`/api/v1/products/${p.id}`, { name: 'poisoned' });
      expect(rename.status).toBe(500);

      const products = (await c.get('/api/v1/products')).body.items as Product[];
      expect(products.map((x) => x.name)).toEqual(['healthy']);
      expect((await entries(c))[0]!.seq).toBe(seqBefore);
      // The sequence has no gap: the next entry takes the next number.
      await c.patch(`/api/v1/products/${p.id}`, { name: 'healthy again' });
      expect((await entries(c))[0]!.seq).toBe(seqBefore + 1);
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS test_refuse_poisoned_entry ON audit_entries`);
    }
  });

  it('numbers 50 concurrent mutations 1..50 per account without gaps or duplicates', async () => {
    const c = new ApiClient(t.url);
    const { account } = await c.signup();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => newProduct(c, `Parallel ${i}`, `par-${i}`)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const { rows } = await db.query<{ seq: string }>('SELECT seq FROM audit_entries WHERE account_id = $1 ORDER BY seq', [account.id]);
    // Sign-up recorded entry 1 (platform_user_added); the 50 products are 2..51.
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('pages through every entry exactly once while new ones arrive', async () => {
    const c = new ApiClient(t.url);
    await c.signup();
    for (let i = 0; i < 30; i++) await newProduct(c, `Seed ${i}`, `seed-${i}`);
    const seen: number[] = [];
    let cursor: string | null = null;
    let writes = 0;
    do {
      const page: Res = await c.get(`/api/v1/audit-log?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: AuditEntry) => e.seq));
      cursor = page.body.nextCursor;
      // Meanwhile others keep writing.
      await Promise.all([newProduct(c, `Late ${writes}`, `late-${writes++}`), newProduct(c, `Late ${writes}`, `late-${writes++}`)]);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
  });

  it('keeps accounts apart: by list, by item and by search', async () => {
    const a = new ApiClient(t.url);
    const b = new ApiClient(t.url);
    await a.signup();
    await b.signup();
    const secret = (await newProduct(a, 'Zanzibar Secret Product')).body;
    expect((await entries(b)).some((e) => e.target.id === secret.id)).toBe(false);
    expect(await entries(b, '&text=zanzibar')).toEqual([]);
    expect(await entries(b, `&q=${encodeURIComponent(`item:product:${secret.id}`)}`)).toEqual([]);
    expect((await b.get(`/api/v1/products/${secret.id}/audit-log`)).status).toBe(404);
    expect((await b.get(`/api/v1/products/${secret.id}`)).status).toBe(404);
    expect((await b.post(`/api/v1/products/${secret.id}/archive`)).status).toBe(404);
    expect((await entries(a, '&text=zanzibar')).map((e) => e.target.id)).toEqual([secret.id]);
  });

  it('is append-only in the database itself', async () => {
    const c = new ApiClient(t.url);
    const { account } = await c.signup();
    await expect(db.query(`UPDATE audit_entries SET actor_name = 'forged' WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_entries WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_entry_links WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
    const { rows } = await db.query('SELECT actor_name FROM audit_entries WHERE account_id = $1', [account.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_name).not.toBe('forged');
  });

  it('refuses an action that is not in the contract, in the database', async () => {
    const c = new ApiClient(t.url);
    const { account } = await c.signup();
    await expect(
      db.query(
        `INSERT INTO audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_name, target_type, target_id, target_label, links, changes, source, search_text, prev_hash, hash)
         VALUES ($1, 999, gen_random_uuid(), now(), 'license_exploded', 'system', 'x', 'license', gen_random_uuid(), 'x', '[]', '[]', 'system', '', '', '')`,
        [account.id],
      ),
    ).rejects.toThrow(/audit_entries_action_check/);
  });
});

describe('reading the audit log', () => {
  let t: TestApp;
  let c: ApiClient;
  let ann: ApiClient;
  let annEmail: string;
  let studio: Product;
  let render: Product;

  beforeAll(async () => {
    t = await startApp();
    c = new ApiClient(t.url);
    await c.signup();
    annEmail = uniqueEmail('ann');
    await c.post('/api/v1/platform-users', { email: annEmail, name: 'Ann', password: 'ann-password-1', isAdmin: true });
    ann = new ApiClient(t.url);
    await ann.post('/api/v1/auth/login', { email: annEmail, password: 'ann-password-1' });
    studio = (await c.post('/api/v1/products', { name: 'Studio', code: 'studio' })).body;
    render = (await ann.post('/api/v1/products', { name: 'Render Farm', code: 'render' })).body;
    await ann.patch(`/api/v1/products/${studio.id}`, { name: 'Studio Refund Edition' });
    await c.post(`/api/v1/products/${render.id}/deactivate`);
  });
  afterAll(() => t.close());

  const actions = async (query: string) => {
    const res = await c.get(`/api/v1/audit-log?${query}`);
    expect(res.status).toBe(200);
    return res.body.items.map((e: AuditEntry) => e.action);
  };

  it('filters by action, group, actor, item, date range, text and the search string', async () => {
    expect(await actions('action=product_created')).toEqual(['product_created', 'product_created']);
    expect(await actions('action=product_updated,product_deactivated')).toEqual(['product_deactivated', 'product_updated']);
    expect(await actions('group=platform_users')).toEqual(['platform_user_added', 'platform_user_added']);
    // Ann's sign-in is hers too (Access and security).
    expect(await actions(`actorEmail=${annEmail}`)).toEqual(['product_updated', 'product_created', 'user_signed_in']);
    expect(await actions(`itemType=product&itemId=${render.id}`)).toEqual(['product_deactivated', 'product_created']);
    expect(await actions('text=REFUND')).toEqual(['product_updated']);
    expect(await actions(`q=${encodeURIComponent(`action:product_* actor:${annEmail} refund`)}`)).toEqual(['product_updated']);
    const today = new Date().toISOString().slice(0, 10);
    expect(await actions(`q=${encodeURIComponent(`created:<${today}`)}`)).toEqual([]);
    expect((await actions(`from=${today}`)).length).toBe(7); // the sign-up, Ann added, her sign-in, 4 product actions
  });

  it('answers 400 naming what is wrong in a filter, cursor or search string', async () => {
    const cases: Array<[string, string]> = [
      ['action=license_exploded', 'query.action'],
      ['limit=0', 'query.limit'],
      ['limit=500', 'query.limit'],
      ['from=yesterday', 'query.from'],
      ['cursor=not-a-cursor', 'query.cursor'],
      ['q=colour:red', 'query.q'],
      ['q=created:>=tomorrow', 'query.q'],
      ['itemId=4b7c5f0e-8f8a-4a55-9a53-9c5e2f2a1b11', 'query.itemType'],
      ['unknown=1', 'query'],
    ];
    for (const [query, path] of cases) {
      const res = await c.get(`/api/v1/audit-log?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.details.map((d: { path: string }) => d.path).join(' ')).toContain(path);
    }
  });

  it('shows one item’s own entries, or with related items', async () => {
    const own = await c.get(`/api/v1/products/${studio.id}/audit-log?related=false`);
    expect(own.body.items.map((e: AuditEntry) => e.action)).toEqual(['product_updated', 'product_created']);
  });

  it('serves the catalog of actions with groups and labels', async () => {
    const res = await c.get('/api/v1/audit-log/actions');
    expect(res.status).toBe(200);
    // The seed page's 8 groups and 42 actions, and Keyledger's Access and security group (10 actions).
    expect(res.body.groups).toHaveLength(9);
    expect(res.body.groups.flatMap((g: { actions: unknown[] }) => g.actions)).toHaveLength(52);
    expect(res.body.groups[8]).toMatchObject({ id: 'access_security', label: 'Access and Security' });
    expect(res.body.groups[6].actions).toContainEqual({ action: 'license_disabled', label: 'License disabled' });
  });
});
