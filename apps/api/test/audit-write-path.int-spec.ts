import { type AuditEntry, type Product } from '@keyledger/contract';
import { type Client } from 'pg';
import { ApiClient, uniqueEmail } from './support/client';
import { type AuditLogListQuery, errorMessage, expectStatus, ok, signedUpTyped, type Success, typedClient, type TypedClient } from './support/typed-client';
import { startApp, type TestApp } from './support/app';
import { connectDb } from './support/db';
import { VendorFixtures } from './support/vendor';

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

  /** Makes every audit insert matching `condition` (over NEW) fail, as a failed entry write would; returns the undo. */
  async function refuseEntries(condition: string): Promise<() => Promise<void>> {
    await db.query(`
      CREATE OR REPLACE FUNCTION test_refuse_entry() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF ${condition} THEN RAISE EXCEPTION 'simulated audit write failure'; END IF;
        RETURN NEW;
      END $$`);
    // The writer's insert: its entry goes to audit_pending in the change's transaction (the sealer chains it later).
    await db.query(`DROP TRIGGER IF EXISTS test_refuse_entry ON audit_pending`);
    await db.query(`CREATE TRIGGER test_refuse_entry BEFORE INSERT ON audit_pending FOR EACH ROW EXECUTE FUNCTION test_refuse_entry()`);
    return async () => void (await db.query(`DROP TRIGGER IF EXISTS test_refuse_entry ON audit_pending`));
  }

  async function entries(c: TypedClient, query: Omit<AuditLogListQuery, 'limit'> = {}): Promise<AuditEntry[]> {
    const res = await c.auditLog.list({ query: { limit: 200, ...query } });
    expectStatus(res, 200);
    return res.body.items;
  }

  /**
   * Runs a mutation and returns its response with the one entry it wrote (besides access-and-security
   * entries it names in `alongside`, e.g. a password change next to the user update).
   */
  async function audited<R extends { status: number; body: unknown; headers: Headers }>(
    c: TypedClient,
    call: () => Promise<R>,
    alongside: string[] = [],
  ): Promise<{ res: Success<R>; entry: AuditEntry; others: AuditEntry[] }> {
    const before = (await entries(c))[0]?.seq ?? 0;
    const res = await call();
    expect(res.status).toBeLessThan(300);
    const all = (await entries(c)).filter((e) => e.seq! > before!);
    const others = all.filter((e) => alongside.includes(e.action));
    expect(others.map((e) => e.action).sort()).toEqual([...alongside].sort());
    for (const o of others) expect(o.context.requestId).toBe(res.headers.get('x-request-id'));
    const after = all.filter((e) => !alongside.includes(e.action));
    expect(after).toHaveLength(1);
    const entry = after[0]!;
    expect(entry.context.requestId).toBe(res.headers.get('x-request-id'));
    return { res: res as Success<R>, entry, others };
  }

  const newProduct = (c: TypedClient, name = 'Studio', code = `st-${Math.random().toString(36).slice(2, 8)}`) =>
    c.products.create({ body: { name, code, features: ['export'] } });

  it('records each product action once, with actor, target, links and field changes', async () => {
    const { session: { user }, api: c } = await signedUpTyped(t.url);
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

    const renamed = await audited(c, () => c.products.update({ params: { id: p.id }, body: { name: 'Acme Studio Pro' } }));
    expect(renamed.entry).toMatchObject({ action: 'product_updated', target: { label: 'Acme Studio Pro' } });
    expect(renamed.entry.changes).toEqual([{ field: 'name', before: 'Acme Studio', after: 'Acme Studio Pro' }]);

    const steps: Array<['deactivate' | 'activate' | 'archive' | 'unarchive', string, { field: string; before: unknown; after: unknown }]> = [
      ['deactivate', 'product_deactivated', { field: 'status', before: 'active', after: 'inactive' }],
      ['activate', 'product_activated', { field: 'status', before: 'inactive', after: 'active' }],
      ['archive', 'product_archived', { field: 'archived', before: false, after: true }],
      ['unarchive', 'product_unarchived', { field: 'archived', before: true, after: false }],
    ];
    for (const [route, action, change] of steps) {
      const { entry } = await audited(c, () => c.products[route]({ params: { id: p.id } }));
      expect(entry).toMatchObject({ action, actor, target: { type: 'product', id: p.id } });
      expect(entry.changes).toEqual([change]);
    }

    const deleted = await audited(c, () => c.products.remove({ params: { id: p.id } }));
    expect(deleted.entry.action).toBe('product_deleted');
    expect(deleted.entry.changes).toEqual([{ field: 'deletedAt', before: null, after: expect.any(String) }]);
    expect(ok(await c.products.list(), 200).items).toEqual([]);

    // The deleted product's history stays readable, newest first.
    const history = await c.products.auditLog({ params: { id: p.id } });
    expectStatus(history, 200);
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

  it('links a license change to its order, customer and product, labelled as they are when the entry is written', async () => {
    // The handler loads only the license: the parents' rows are read by the statement that takes the head.
    const { client, api: c } = await signedUpTyped(t.url);
    const vendor = new VendorFixtures(client);
    const customer = await vendor.customer();
    const order = await vendor.order(customer.id);
    const product = await vendor.product({ name: 'Parent Studio' });
    const license = await vendor.license({ orderId: order.id, productId: product.id });
    const parents = (productName: string) => [
      { type: 'order', id: order.id, label: order.reference },
      { type: 'customer', id: customer.id, label: customer.email },
      { type: 'product', id: product.id, label: productName },
    ];

    const first = await audited(c, () => c.licenses.update({ params: { id: license.id }, body: { maxActivations: 7 } }));
    expect(first.entry).toMatchObject({ action: 'license_updated', target: { type: 'license', id: license.id } });
    expect(first.entry.links).toEqual([first.entry.target, ...parents('Parent Studio')]);
    expect(first.entry.changes).toEqual([{ field: 'maxActivations', before: 3, after: 7 }]);

    await audited(c, () => c.products.update({ params: { id: product.id }, body: { name: 'Parent Studio Pro' } }));
    const second = await audited(c, () => c.licenses.update({ params: { id: license.id }, body: { maxActivations: 8 } }));
    expect(second.entry.links).toEqual([second.entry.target, ...parents('Parent Studio Pro')]);
    expect(second.entry.seq).toBe(first.entry.seq! + 2);

    // The links table has the same items, the target marked, so each parent's history shows the entry.
    const { rows } = await db.query<{ item_type: string; item_id: string; is_target: boolean }>(
      'SELECT item_type, item_id, is_target FROM audit_entry_links WHERE account_id = $1 AND seq = $2 ORDER BY item_type',
      [second.entry.accountId, second.entry.seq],
    );
    expect(rows).toEqual([
      { item_type: 'customer', item_id: customer.id, is_target: false },
      { item_type: 'license', item_id: license.id, is_target: true },
      { item_type: 'order', item_id: order.id, is_target: false },
      { item_type: 'product', item_id: product.id, is_target: false },
    ]);
  });

  it('records sign-up as the new admin adding themself, derived by AuditedExecutor, with the account in one transaction', async () => {
    const email = uniqueEmail('founder');
    const c = typedClient(new ApiClient(t.url));
    const res = await c.auth.signup({ body: { accountName: 'Founders Ltd', name: 'Fay', email, password: 'long-enough-pw-1' } });
    expectStatus(res, 201);
    const user = res.body.user;
    const [entry, ...rest] = await entries(c);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      seq: 1,
      accountId: res.body.account.id,
      action: 'platform_user_added',
      actor: { type: 'platform_user', id: user.id, name: 'Fay', email },
      target: { type: 'platform_user', id: user.id, label: `Fay <${email}>` },
      links: [{ type: 'platform_user', id: user.id, label: `Fay <${email}>` }],
      context: { source: 'ui', ip: expect.any(String) },
    });
    expect(entry!.changes).toHaveLength(4);
    expect(entry!.changes).toEqual(
      expect.arrayContaining([
        { field: 'email', before: null, after: email },
        { field: 'name', before: null, after: 'Fay' },
        { field: 'isAdmin', before: null, after: true },
        { field: 'password', before: null, after: '[redacted]' },
      ]),
    );
    expect(JSON.stringify(entry)).not.toMatch(/argon2|long-enough/);

    // The entry cannot be written: neither the account nor the user is created.
    const stopRefusing = await refuseEntries("NEW.actor_name = 'Refused Founder'");
    try {
      const refusedEmail = uniqueEmail('refused');
      const refused = await typedClient(new ApiClient(t.url)).auth.signup({
        body: { accountName: 'Refused Ltd', name: 'Refused Founder', email: refusedEmail, password: 'long-enough-pw-1' },
      });
      expect(refused.status).toBe(500);
      const left = await db.query<{ users: number; accounts: number }>(
        `SELECT (SELECT count(*)::int FROM platform_users WHERE email = $1) AS users, (SELECT count(*)::int FROM accounts WHERE name = 'Refused Ltd') AS accounts`,
        [refusedEmail],
      );
      expect(left.rows[0]).toEqual({ users: 0, accounts: 0 });
    } finally {
      await stopRefusing();
    }
  });

  it('records each platform user action once, with the password redacted', async () => {
    const { session: { user: admin }, api: c } = await signedUpTyped(t.url);
    const email = uniqueEmail('ann');
    const added = await audited(c, () => c.platformUsers.create({ body: { email, name: 'Ann', password: 'first-password-1' } }));
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

    const updated = await audited(c, () => c.platformUsers.update({ params: { id: ann.id }, body: { name: 'Ann B', password: 'second-password-2' } }), [
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

    const removed = await audited(c, () => c.platformUsers.remove({ params: { id: ann.id } }));
    expect(removed.entry).toMatchObject({ action: 'platform_user_removed', target: { id: ann.id, label: `Ann B <${email}>` } });
    // The snapshot does not change when the user is gone.
    expect((await entries(c)).find((e) => e.seq === added.entry.seq)?.actor).toMatchObject({ id: admin.id });
    // Removed users can no longer sign in.
    expect((await typedClient(new ApiClient(t.url)).auth.login({ body: { email, password: 'second-password-2' } })).status).toBe(401);
  });

  it('writes nothing and changes nothing when the handler fails', async () => {
    const { api: c } = await signedUpTyped(t.url);
    const p = ok(await newProduct(c), 201);
    const seqBefore = (await entries(c))[0]!.seq;

    const again = await c.products.activate({ params: { id: p.id } });
    expect(again.status).toBe(409);
    expect(errorMessage(again)).toMatch(/already active/);
    const dup = await c.products.create({ body: { name: 'Other', code: p.code.toUpperCase() } });
    expect(dup.status).toBe(409);
    const invalid = await c.products.update({ params: { id: p.id }, body: { name: '' } });
    expect(invalid.status).toBe(400);
    await c.products.remove({ params: { id: p.id } });
    const archivedDeleted = await c.products.archive({ params: { id: p.id } });
    expect(archivedDeleted.status).toBe(409);

    const after = await entries(c);
    expect(after.map((e) => e.action).filter((_, i) => after[i]!.seq! > seqBefore!)).toEqual(['product_deleted']);
    expect(ok(await c.products.get({ params: { id: p.id } }), 200)).toMatchObject({ name: p.name, archived: false });
  });

  it('rolls the change back and answers 5xx when the entry cannot be written', async () => {
    const stopRefusing = await refuseEntries("NEW.target_label = 'poisoned'");
    try {
      const { api: c } = await signedUpTyped(t.url);
      const p = ok(await newProduct(c, 'healthy'), 201);
      const seqBefore = (await entries(c))[0]!.seq;

      const create = await newProduct(c, 'poisoned');
      expect(create.status).toBe(500);
      expect(errorMessage(create)).toMatch(/nothing was changed/);
      const rename = await c.products.update({ params: { id: p.id }, body: { name: 'poisoned' } });
      expect(rename.status).toBe(500);

      const products = ok(await c.products.list(), 200).items;
      expect(products.map((x) => x.name)).toEqual(['healthy']);
      expect((await entries(c))[0]!.seq).toBe(seqBefore);
      // The sequence has no gap: the next entry takes the next number.
      await c.products.update({ params: { id: p.id }, body: { name: 'healthy again' } });
      expect((await entries(c))[0]!.seq).toBe(seqBefore! + 1);
    } finally {
      await stopRefusing();
    }
  });

  it('numbers 50 concurrent mutations 1..50 per account without gaps or duplicates', async () => {
    const { session: { account }, api: c } = await signedUpTyped(t.url);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => newProduct(c, `Parallel ${i}`, `par-${i}`)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const { rows } = await db.query<{ seq: string }>('SELECT seq FROM audit_entries WHERE account_id = $1 ORDER BY seq', [account.id]);
    // Sign-up recorded entry 1 (platform_user_added); the 50 products are 2..51.
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
  });

  it('pages through every entry exactly once while new ones arrive', async () => {
    const { api: c } = await signedUpTyped(t.url);
    for (let i = 0; i < 30; i++) await newProduct(c, `Seed ${i}`, `seed-${i}`);
    const seen: number[] = [];
    let cursor: string | null = null;
    let writes = 0;
    do {
      const page = await c.auditLog.list({ query: { limit: 7, cursor: cursor ?? undefined } });
      expectStatus(page, 200);
      seen.push(...page.body.items.map((e) => e.seq!));
      cursor = page.body.nextCursor;
      // Meanwhile others keep writing.
      await Promise.all([newProduct(c, `Late ${writes}`, `late-${writes++}`), newProduct(c, `Late ${writes}`, `late-${writes++}`)]);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 31 }, (_, i) => 31 - i));
  });

  it('keeps accounts apart: by list, by item and by search', async () => {
    const { api: a } = await signedUpTyped(t.url);
    const { api: b } = await signedUpTyped(t.url);
    const secret = ok(await newProduct(a, 'Zanzibar Secret Product'), 201);
    expect((await entries(b)).some((e) => e.target.id === secret.id)).toBe(false);
    expect(await entries(b, { text: 'zanzibar' })).toEqual([]);
    expect(await entries(b, { q: `item:product:${secret.id}` })).toEqual([]);
    expect((await b.products.auditLog({ params: { id: secret.id } })).status).toBe(404);
    expect((await b.products.get({ params: { id: secret.id } })).status).toBe(404);
    expect((await b.products.archive({ params: { id: secret.id } })).status).toBe(404);
    expect((await entries(a, { text: 'zanzibar' })).map((e) => e.target.id)).toEqual([secret.id]);
  });

  it('is append-only in the database itself', async () => {
    const { account } = (await signedUpTyped(t.url)).session;
    await expect(db.query(`UPDATE audit_entries SET actor_name = 'forged' WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_entries WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_entry_links WHERE account_id = $1`, [account.id])).rejects.toThrow(/append-only/);
    await expect(db.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
    const { rows } = await db.query('SELECT actor_name FROM audit_entries WHERE account_id = $1', [account.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_name).not.toBe('forged');
  });

  it('refuses an action that is not in the contract, in the database', async () => {
    const { account } = (await signedUpTyped(t.url)).session;
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
  let raw: ApiClient;
  let c: TypedClient;
  let ann: TypedClient;
  let annEmail: string;
  let studio: Product;
  let render: Product;

  beforeAll(async () => {
    t = await startApp();
    ({ client: raw, api: c } = await signedUpTyped(t.url));
    annEmail = uniqueEmail('ann');
    ok(await c.platformUsers.create({ body: { email: annEmail, name: 'Ann', password: 'ann-password-1', isAdmin: true } }), 201);
    ann = typedClient(new ApiClient(t.url));
    ok(await ann.auth.login({ body: { email: annEmail, password: 'ann-password-1' } }), 200);
    studio = ok(await c.products.create({ body: { name: 'Studio', code: 'studio' } }), 201);
    render = ok(await ann.products.create({ body: { name: 'Render Farm', code: 'render' } }), 201);
    ok(await ann.products.update({ params: { id: studio.id }, body: { name: 'Studio Refund Edition' } }), 200);
    ok(await c.products.deactivate({ params: { id: render.id } }), 200);
  });
  afterAll(() => t.close());

  const actions = async (query: AuditLogListQuery) => {
    const res = await c.auditLog.list({ query });
    expectStatus(res, 200);
    return res.body.items.map((e) => e.action);
  };

  it('filters by action, group, actor, item, date range, text and the search string', async () => {
    expect(await actions({ action: 'product_created' })).toEqual(['product_created', 'product_created']);
    expect(await actions({ action: 'product_updated,product_deactivated' })).toEqual(['product_deactivated', 'product_updated']);
    expect(await actions({ group: 'platform_users' })).toEqual(['platform_user_added', 'platform_user_added']);
    // Ann's sign-in is hers too (Access and security).
    expect(await actions({ actorEmail: annEmail })).toEqual(['product_updated', 'product_created', 'user_signed_in']);
    expect(await actions({ itemType: 'product', itemId: render.id })).toEqual(['product_deactivated', 'product_created']);
    expect(await actions({ text: 'REFUND' })).toEqual(['product_updated']);
    expect(await actions({ q: `action:product_* actor:${annEmail} refund` })).toEqual(['product_updated']);
    const today = new Date().toISOString().slice(0, 10);
    expect(await actions({ q: `created:<${today}` })).toEqual([]);
    expect((await actions({ from: today })).length).toBe(7); // the sign-up, Ann added, her sign-in, 4 product actions
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
    // Raw query strings on purpose: values and keys the contract refuses.
    for (const [query, path] of cases) {
      const res = await raw.get(`/api/v1/audit-log?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.details.map((d: { path: string }) => d.path).join(' ')).toContain(path);
    }
  });

  it('shows one item’s own entries, or with related items', async () => {
    const own = ok(await c.products.auditLog({ params: { id: studio.id }, query: { related: 'false' } }), 200);
    expect(own.items.map((e) => e.action)).toEqual(['product_updated', 'product_created']);
  });

  it('serves the catalog of actions with groups and labels', async () => {
    const res = await c.auditLog.actions();
    expectStatus(res, 200);
    // The seed page's 8 groups and 42 actions, and Keyledger's Access and security group (17 actions: 11 + 6 for log streams).
    expect(res.body.groups).toHaveLength(9);
    expect(res.body.groups.flatMap((g) => g.actions)).toHaveLength(59);
    expect(res.body.groups[8]).toMatchObject({ id: 'access_security', label: 'Access and Security' });
    expect(res.body.groups[6]!.actions).toContainEqual({ action: 'license_disabled', label: 'License disabled' });
  });
});
