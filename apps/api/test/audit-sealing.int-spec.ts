/**
 * The sealing window (issue 13), through the real API: a writer commits its entry without a seq; the
 * sealer chains it a moment later. Here sealing is held back on purpose — a test connection holds the
 * account's head row, as a sealer in another process mid-batch would — so that what a user sees of an
 * entry still sealing can be checked: the response goes out after AUDIT_SEAL_WAIT_MS, the entry is listed
 * (read-your-writes) marked as sealing, by every read that lists entries and only in its own account, the
 * integrity status and health count it, pages stay stable while it is sealed, and once the head is free it
 * is sealed exactly once with the next seq and the chain verifies.
 */
import { type AuditEntry } from '@keyledger/contract';
import { type Client } from 'pg';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { randomUUID } from 'node:crypto';
import { AuditService, type RecordInput } from '../src/audit/audit.service';
import { IntegrityVerifier } from '../src/integrity/integrity-verifier.service';
import { startApp, type TestApp } from './support/app';
import { connectDb } from './support/db';
import { expectStatus, ok, signedUpTyped, type TypedClient } from './support/typed-client';

const WAIT_MS = 400;

describe('the sealing window', () => {
  let t: TestApp;
  let db: Client;
  let holder: Client;

  beforeAll(async () => {
    t = await startApp({ AUDIT_SEAL_WAIT_MS: String(WAIT_MS), AUDIT_SEAL_SWEEP_MS: '50' });
    db = await connectDb();
    holder = await connectDb();
  });
  afterAll(async () => {
    await holder.query('ROLLBACK').catch(() => undefined);
    await holder.end();
    await db.end();
    await t.close();
  });

  /** Holds the account's head row (as a sealer mid-batch does) until the returned function is called. */
  async function holdHead(accountId: string): Promise<() => Promise<void>> {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM audit_heads WHERE account_id = $1 FOR UPDATE', [accountId]);
    return async () => void (await holder.query('ROLLBACK'));
  }

  const sealedCount = async (accountId: string) =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entries WHERE account_id = $1', [accountId])).rows[0]!.n;

  async function eventuallySealed(accountId: string, ms = 10_000) {
    for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 25))) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_pending WHERE account_id = $1', [accountId]);
      if (rows[0]!.n === 0) return;
    }
    throw new Error('still sealing');
  }

  async function listAll(api: TypedClient, limit: number): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = ok(await api.auditLog.list({ query: { limit, cursor } }), 200);
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }

  it('answers after AUDIT_SEAL_WAIT_MS and lists the entry as sealing, in its account only, until it is sealed with the next seq', async () => {
    const { session, api } = await signedUpTyped(t.url);
    const other = await signedUpTyped(t.url);
    const accountId = session.account.id;
    const product = ok(await api.products.create({ body: { name: 'Before', code: `seal-${Date.now()}` } }), 201);
    const head = await sealedCount(accountId);

    const release = await holdHead(accountId);
    let released = false;
    try {
      const t0 = Date.now();
      const updated = await api.products.update({ params: { id: product.id }, body: { name: 'Sealing soon' } });
      const answeredIn = Date.now() - t0;
      expectStatus(updated, 200);
      // The response waited for its entry's seal, then went out without it: the change is committed.
      expect(answeredIn).toBeGreaterThanOrEqual(WAIT_MS - 50);
      expect(answeredIn).toBeLessThan(WAIT_MS + 3000);
      expect(ok(await api.products.get({ params: { id: product.id } }), 200).name).toBe('Sealing soon');
      expect(await sealedCount(accountId)).toBe(head);

      // Read-your-writes: first on the first page, marked as sealing (no seq, no hashes).
      const first = ok(await api.auditLog.list({ query: { limit: 2 } }), 200);
      expect(first.items[0]).toMatchObject({ action: 'product_updated', seq: null, prevHash: null, hash: null, target: { id: product.id, label: 'Sealing soon' } });
      expect(first.items[1]!.seq).toBe(head);
      const sealing = first.items[0]!;
      // … by id, in the item's history, and through filters (action, text, item).
      expect(ok(await api.auditLog.get({ params: { id: sealing.id } }), 200)).toEqual(sealing);
      const history = ok(await api.products.auditLog({ params: { id: product.id }, query: { limit: 10 } }), 200);
      expect(history.items[0]).toEqual(sealing);
      for (const query of [{ action: 'product_updated' as const }, { q: 'sealing soon' }, { itemType: 'product' as const, itemId: product.id.toUpperCase() }]) {
        const res = await api.auditLog.list({ query: { limit: 5, ...query } });
        expectStatus(res, 200);
        expect(res.body.items.map((e) => e.id)).toContain(sealing.id);
      }
      expect(ok(await api.auditLog.list({ query: { limit: 5, action: 'product_created' } }), 200).items.map((e) => e.id)).not.toContain(sealing.id);
      // Not in another account, by list, id or item.
      expect(ok(await other.api.auditLog.list({ query: { limit: 50 } }), 200).items.map((e) => e.id)).not.toContain(sealing.id);
      expect((await other.api.auditLog.get({ params: { id: sealing.id } })).status).toBe(404);
      // Counted where integrity is shown.
      const integrity = ok(await api.auditIntegrity.verify(), 200);
      expect(integrity.sealing).toEqual({ entries: 1, oldestRecordedAt: expect.any(String) });
      expect(Math.abs(Date.parse(integrity.sealing.oldestRecordedAt!) - Date.parse(sealing.occurredAt))).toBeLessThan(5000);
      expect(ok(await other.api.auditIntegrity.verify(), 200).sealing).toEqual({ entries: 0, oldestRecordedAt: null });
      const health = ok(await api.health.check(), 200);
      expect(health.sealing?.entries).toBeGreaterThanOrEqual(1);
      expect(health.sealing?.failingAccounts).toEqual(expect.any(Number));

      // A page taken now and continued after the seal: every entry exactly once.
      const page1 = ok(await api.auditLog.list({ query: { limit: 2 } }), 200);
      await release();
      released = true;
      await eventuallySealed(accountId);
      const rest = await (async () => {
        const out: AuditEntry[] = [];
        let cursor = page1.nextCursor ?? undefined;
        while (cursor) {
          const page = ok(await api.auditLog.list({ query: { limit: 2, cursor } }), 200);
          out.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        }
        return out;
      })();
      const ids = [...page1.items, ...rest].map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(head + 1);
    } finally {
      if (!released) await release();
    }

    // Sealed exactly once, with the next seq, and the chain verifies.
    const after = await listAll(api, 50);
    expect(after.map((e) => e.seq)).toEqual(Array.from({ length: head + 1 }, (_, i) => head + 1 - i));
    expect(after[0]).toMatchObject({ action: 'product_updated', seq: head + 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(after[0]!.prevHash).toBe(after[1]!.hash);
    expect(ok(await api.auditIntegrity.verify(), 200).sealing).toEqual({ entries: 0, oldestRecordedAt: null });
    await t.app.get(IntegrityVerifier).verifyIncrementally(accountId);
    expect(ok(await api.auditIntegrity.verify(), 200)).toMatchObject({ ok: true, verifiedThroughSeq: head + 1 });
  });

  it('answers at once by default (AUDIT_SEAL_WAIT_MS=0), the entry listed as sealing until the sealer gets to it', async () => {
    const noWait = await startApp({ AUDIT_SEAL_WAIT_MS: '0' });
    try {
      const { session, api } = await signedUpTyped(noWait.url);
      const release = await holdHead(session.account.id);
      let waited: number;
      try {
        const t0 = Date.now();
        expectStatus(await api.products.create({ body: { name: 'No wait', code: `nowait-${Date.now()}` } }), 201);
        waited = Date.now() - t0;
        expect(ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items[0]).toMatchObject({ action: 'product_created', seq: null });
      } finally {
        await release();
      }
      // Held for the whole request, the head did not delay the answer (the WAIT_MS app above waits 400 ms).
      expect(waited).toBeLessThan(WAIT_MS);
      await eventuallySealed(session.account.id);
      expect(ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items[0]).toMatchObject({ action: 'product_created', seq: 2 });
    } finally {
      await noWait.close();
    }
  });

  it('refuses at write time an entry the sealer could not write, so that nothing stalls its account', async () => {
    const { session, api } = await signedUpTyped(t.url);
    const accountId = session.account.id;
    const actor = { type: 'system' as const, id: null, name: 'Test', email: null };
    const target = { type: 'product' as const, id: randomUUID(), label: 'Linked' };
    const record = (parents: RecordInput['parents']) =>
      t.app.get(ClsService).run(() =>
        t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost).withTransaction(() =>
          t.app.get(AuditService).record({ accountId, action: 'product_updated', actor, target, parents, changes: [] }),
        ),
      );
    // A parent that is not a uuid: the writer's transaction fails, nothing is recorded.
    await expect(record([{ type: 'order', id: 'not-a-uuid', label: 'Bad' }])).rejects.toThrow(/uuid/);
    // The same item twice, its id in two cases: one link (the link table's key ignores case).
    await record([{ type: 'product', id: target.id.toUpperCase(), label: 'Linked' }]);
    await eventuallySealed(accountId);
    const [latest] = ok(await api.auditLog.list({ query: { limit: 1 } }), 200).items;
    expect(latest).toMatchObject({ seq: 2, links: [target] });
    const { rows } = await db.query('SELECT count(*)::int AS n FROM audit_pending WHERE account_id = $1', [accountId]);
    expect(rows[0].n).toBe(0);
  });

  it('lists every entry still sealing on the first page, newest first, and seals them all once the head is free', async () => {
    const { session, api } = await signedUpTyped(t.url);
    const accountId = session.account.id;
    const release = await holdHead(accountId);
    try {
      // A first page read while ten writes are sealing: all ten listed, newest first, none twice.
      const made = await Promise.all(Array.from({ length: 10 }, (_, i) => api.products.create({ body: { name: `Burst ${i}`, code: `burst-${i}-${Date.now()}` } })));
      expect(made.every((r) => r.status === 201)).toBe(true);
      const page = ok(await api.auditLog.list({ query: { limit: 50 } }), 200);
      const sealing = page.items.filter((e) => e.seq === null);
      expect(sealing).toHaveLength(10);
      expect(page.items.slice(0, 10)).toEqual(sealing);
    } finally {
      await release();
    }
    await eventuallySealed(accountId);
    const all = await listAll(api, 50);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => all.length - i));
  });
});
