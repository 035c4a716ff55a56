/**
 * Date filters: while an account's entries are in time order, a date range is answered as a seq
 * range (migration 1764450000000); once an entry is back-dated, the exact plan takes over. Either
 * way the list returns exactly the entries whose occurred_at lies in the range.
 */
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type AuditEntry } from '@keyledger/contract';
import { randomUUID } from 'node:crypto';
import { ClsService } from 'nestjs-cls';
import { type Client } from 'pg';
import { AuditService, type RecordInput } from '../src/audit/audit.service';
import { startApp, type TestApp } from './support/app';
import { signedUpTyped, type TypedClient, expectStatus } from './support/typed-client';
import { connectDb } from './support/db';

describe('date filters over the audit log', () => {
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

  async function record(inputs: RecordInput[]): Promise<AuditEntry[]> {
    const cls = t.app.get(ClsService);
    const txHost = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const audit = t.app.get(AuditService);
    const recorded = await cls.run(() =>
      txHost.withTransaction(async () => {
        const out: AuditEntry[] = [];
        for (const input of inputs) out.push(await audit.record(input));
        return out;
      }),
    );
    // The sealer gives them seq and their sealed time a moment after the commit: read them back sealed.
    const ids = recorded.map((e) => e.id);
    for (const until = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 20))) {
      const { rows } = await db.query<{ id: string; seq: string; occurred_at: Date }>('SELECT id, seq, occurred_at FROM audit_entries WHERE id = ANY($1)', [ids]);
      if (rows.length === ids.length) {
        const byId = new Map(rows.map((r) => [r.id, r]));
        return recorded.map((e) => ({ ...e, seq: Number(byId.get(e.id)!.seq), occurredAt: byId.get(e.id)!.occurred_at.toISOString() }));
      }
      if (Date.now() > until) throw new Error(`${ids.length - rows.length} entries not sealed`);
    }
  }

  async function listed(api: TypedClient, from: string, to: string): Promise<number[]> {
    const res = await api.auditLog.list({ query: { limit: 200, from, to } });
    expectStatus(res, 200);
    return res.body.items.map((e) => e.seq!);
  }

  const head = async (accountId: string) =>
    (await db.query<{ time_ordered: boolean }>('SELECT time_ordered FROM audit_heads WHERE account_id = $1', [accountId])).rows[0]!;

  it('answers a range from the seq bounds while in time order, and exactly after a back-dated entry', async () => {
    const { session: { account, user }, api } = await signedUpTyped(t.url);
    const actor = { type: 'platform_user' as const, id: user.id, name: user.name, email: user.email };
    const target = { type: 'product' as const, id: randomUUID(), label: 'Dated' };
    const base = Date.now() + 60_000; // after the sign-up entry: still in time order
    const at = (minutes: number) => new Date(base + minutes * 60_000);
    const input = (minutes: number): RecordInput => ({
      accountId: account.id, action: 'product_updated', actor, target, parents: [], changes: [], occurredAt: at(minutes),
    });
    // Minutes 0..9, one entry each; plus one 500 ms "behind" minute 9 (clock skew): kept in order.
    const written = await record([...Array.from({ length: 10 }, (_, i) => input(i)), { ...input(9), occurredAt: new Date(at(9).getTime() - 500) }]);
    expect(written[10]!.occurredAt).toBe(written[9]!.occurredAt);
    expect(await head(account.id)).toEqual({ time_ordered: true });

    const seqOf = (minutes: number[]) => minutes.map((m) => written[m]!.seq);
    // [minute 3, minute 7): 3, 4, 5, 6 — newest first.
    expect(await listed(api, at(3).toISOString(), at(7).toISOString())).toEqual(seqOf([6, 5, 4, 3]));
    // A range before everything and one after everything: nothing.
    expect(await listed(api, at(-600).toISOString(), at(-500).toISOString())).toEqual([]);
    expect(await listed(api, at(100).toISOString(), at(200).toISOString())).toEqual([]);

    // Back-dated by an hour: the account leaves time order, and the entry is still found by date.
    const [late] = await record([input(-60)]);
    expect(late!.occurredAt).toBe(at(-60).toISOString());
    expect(await head(account.id)).toEqual({ time_ordered: false });
    expect(await listed(api, at(-61).toISOString(), at(-59).toISOString())).toEqual([late!.seq]);
    expect(await listed(api, at(3).toISOString(), at(7).toISOString())).toEqual(seqOf([6, 5, 4, 3]));
  });
});
