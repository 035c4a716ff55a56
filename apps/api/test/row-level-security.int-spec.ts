/**
 * The second wall: PostgreSQL row-level security on the tenant tables, behind the service layer's
 * account filters. Inside a transaction that has entered account A (`app.account_id` = A, role
 * keyledger_tenant), SQL with no account filter at all sees none of account B's rows and PostgreSQL
 * refuses to write B's account_id; and the application's transactions really run that way.
 *
 * Reads too (TenantReadInterceptor). Two proofs, both against the real database:
 * - The mechanism: the app's own interceptor, around a handler that reads with NO account filter at all
 *   (as a service with a forgotten filter would), on a real pooled connection: it runs as keyledger_tenant
 *   in the caller's account, sees only the caller's rows, cannot write; and it leaves mutations, audited
 *   handlers and callers without a principal alone.
 * - Every signed-in GET of the contract, over HTTP: a test-only RESTRICTIVE policy (added here, dropped
 *   after) hides every tenant row from keyledger_tenant while the owner still sees them all. A read that
 *   runs behind the wall then finds nothing (an empty list, 404, 401); a read that ran as the owner, as
 *   before this change, would still answer with the data. Without the blackout the same calls return the
 *   caller's data, which the tenant role can only see with `app.account_id` set to the caller's account.
 *   A new GET route fails the coverage check until it is probed here.
 */
import { type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TENANT_READS } from '../src/database/data-source';
import { randomUUID } from 'node:crypto';
import { type Client } from 'pg';
import { from, lastValueFrom } from 'rxjs';
import { PERMISSIONS, type License } from '@keyledger/contract';
import { AUDITED_KEY } from '../src/audit/audited.decorator';
import { IntegrityService } from '../src/integrity/integrity.service';
import { TenantReadInterceptor } from '../src/database/tenant-read.interceptor';
import { type RequestStore } from '../src/common/request-context';
import { RowLevelSecurity1764500000000 } from '../src/database/migrations/1764500000000-row-level-security';
import { AuditIntegrityStatus1764900000000 } from '../src/database/migrations/1764900000000-audit-integrity-status';
import { IdempotencyKeys1765000000000 } from '../src/database/migrations/1765000000000-idempotency-keys';
import { LogStreams1766000000000 } from '../src/database/migrations/1766000000000-log-streams';
import { LogStreamDestinations1767000000000 } from '../src/database/migrations/1767000000000-log-stream-destinations';
import { IntegrityVerifier } from '../src/integrity/integrity-verifier.service';

import { AuditSealer1768000000000 } from '../src/database/migrations/1768000000000-audit-sealer';
/** The tenant role's grants: the RLS migration's, and those of the tenant tables added after it. */
const TENANT_GRANTS: Record<string, string> = {
  ...RowLevelSecurity1764500000000.GRANTS,
  ...AuditIntegrityStatus1764900000000.GRANTS,
  ...IdempotencyKeys1765000000000.GRANTS,
  ...LogStreams1766000000000.GRANTS,
  ...LogStreamDestinations1767000000000.GRANTS,
  ...AuditSealer1768000000000.GRANTS,
};
import {
  enterAccount,
  TENANT_ROLE,
  type TenantTransactionalAdapter,
} from '../src/database/tenant-scope';
import { startApp, type TestApp } from './support/app';
import { ApiClient, type Res } from './support/client';
import { CONTRACT_ROUTES, fillPath } from './support/contract-routes';
import { connectDb } from './support/db';
import { VendorFixtures } from './support/vendor';
import { ok, typedClient, type TypedClient } from './support/typed-client';

interface Tenant {
  /** The untyped client: the fixtures, the contract-driven read matrix and a HEAD (outside the contract). */
  client: ApiClient;
  api: TypedClient;
  accountId: string;
  productId: string;
  license: License;
}

let t: TestApp;
let db: Client;
let a: Tenant;
let b: Tenant;
let tables: string[];

async function tenant(): Promise<Tenant> {
  const client = new ApiClient(t.url);
  await client.signup();
  const api = typedClient(client);
  const f = new VendorFixtures(client);
  const product = await f.product();
  const license = await f.license({ productId: product.id });
  await f.device(license.key);
  ok(await api.apiKeys.create({ body: { name: 'ci', permissions: ['products:read'] } }), 201);
  ok(await api.auditExports.create({ body: { format: 'csv', filter: {} } }), 202);
  return { client, api, accountId: client.session!.account.id, productId: product.id, license };
}

/** Run `work` in a transaction that has entered `accountId` (the application's own helper), then roll back. */
async function asTenant<T>(accountId: string | null, work: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    if (accountId) await enterAccount(db, accountId);
    else await db.query(`SET LOCAL ROLE ${TENANT_ROLE}`);
    return await work();
  } finally {
    await db.query('ROLLBACK');
  }
}

/** The error PostgreSQL answers `sql` with, inside a savepoint so the transaction goes on. */
async function refusal(
  sql: string,
  params: unknown[] = [],
): Promise<{ code?: string; message: string } | null> {
  await db.query('SAVEPOINT probe');
  try {
    await db.query(sql, params);
    await db.query('RELEASE SAVEPOINT probe');
    return null;
  } catch (err) {
    await db.query('ROLLBACK TO SAVEPOINT probe');
    const e = err as { code?: string; message: string };
    return { code: e.code, message: e.message };
  }
}

const accountsIn = async (table: string) =>
  (
    await db.query<{ account_id: string }>(
      `SELECT DISTINCT ${table === 'accounts' ? 'id' : 'account_id'} AS account_id FROM ${table}`,
    )
  ).rows.map((r) => r.account_id);

beforeAll(async () => {
  // Pools of other than the default sizes: the test below fills each, as configured.
  t = await startApp({ DATABASE_POOL_MAX: '16', DATABASE_READ_POOL_MAX: '7' });
  db = await connectDb();
  [a, b] = await Promise.all([tenant(), tenant()]);
  tables = (
    await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'account_id' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);
}, 60_000);
afterAll(async () => {
  await db.end();
  await t.close();
});

describe('the policies', () => {
  it('cover every table with an account_id column, and accounts', async () => {
    expect(tables.length).toBeGreaterThanOrEqual(18);
    const { rows } = await db.query<{
      relname: string;
      relrowsecurity: boolean;
      policies: string[];
    }>(
      `SELECT c.relname, c.relrowsecurity, array_agg(p.polname::text) FILTER (WHERE p.polname IS NOT NULL) AS policies
         FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relname = ANY($1) GROUP BY c.relname, c.relrowsecurity ORDER BY c.relname`,
      [[...tables, 'accounts']],
    );
    expect(rows).toEqual(
      [...tables, 'accounts']
        .sort()
        .map((relname) => ({ relname, relrowsecurity: true, policies: ['tenant_isolation'] })),
    );
    expect(Object.keys(TENANT_GRANTS).sort()).toEqual(tables);
  });

  it('the role cannot log in, bypass RLS or inherit anything', async () => {
    const { rows } = await db.query(
      'SELECT rolcanlogin, rolsuper, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = $1',
      [TENANT_ROLE],
    );
    expect(rows).toEqual([
      { rolcanlogin: false, rolsuper: false, rolbypassrls: false, rolinherit: false },
    ]);
  });

  it('leave free-text search its trigram index behind the wall: LIKE is leakproof (migration 1764740000000)', async () => {
    // Under RLS a condition whose function is not leakproof runs after the policy, can be no index
    // condition and gets no statistics: `search_text LIKE '%term%'` would scan the whole account. The plans
    // over 2,000,000 entries, owner vs behind the wall, are in docs/queries/*-rls.md; here, that it holds.
    const { rows } = await db.query(
      `SELECT p.proleakproof FROM pg_operator o JOIN pg_proc p ON p.oid = o.oprcode WHERE o.oprname = '~~' AND o.oprleft = 'text'::regtype AND o.oprright = 'text'::regtype`,
    );
    expect(rows).toEqual([{ proleakproof: true }]);
  });
});

describe("inside account A's transaction, SQL without an account filter", () => {
  it("sees A's rows and none of B's, in every tenant table", async () => {
    const seen = await asTenant(a.accountId, async () => {
      const out: Record<string, string[]> = {};
      for (const table of [...tables, 'accounts']) out[table] = await accountsIn(table);
      return out;
    });
    // The owner sees both accounts' rows; the tenant role in A only A's.
    const withBoth: string[] = [];
    for (const table of [...tables, 'accounts']) {
      const all = await accountsIn(table);
      if (all.includes(a.accountId) && all.includes(b.accountId)) withBoth.push(table);
      expect({ table, seen: seen[table] }).toEqual({
        table,
        seen: all.includes(a.accountId) ? [a.accountId] : [],
      });
    }
    expect(withBoth).toEqual(
      expect.arrayContaining([
        'accounts',
        'api_keys',
        'audit_entries',
        'audit_entry_links',
        'audit_exports',
        'audit_heads',
        'devices',
        'licenses',
        'platform_users',
        'products',
        'sessions',
      ]),
    );
    expect(seen.products).toEqual([a.accountId]);
    expect(seen.audit_entries).toEqual([a.accountId]);
    expect(seen.devices).toEqual([a.accountId]);
  });

  it("finds nothing when asked for B's rows by id", async () => {
    const found = await asTenant(a.accountId, async () => ({
      product: (await db.query('SELECT * FROM products WHERE id = $1', [b.productId])).rowCount,
      license: (await db.query('SELECT * FROM licenses WHERE key = $1', [b.license.key])).rowCount,
      entries: (await db.query('SELECT * FROM audit_entries WHERE account_id = $1', [b.accountId]))
        .rowCount,
      account: (await db.query('SELECT * FROM accounts WHERE id = $1', [b.accountId])).rowCount,
    }));
    expect(found).toEqual({ product: 0, license: 0, entries: 0, account: 0 });
  });

  it("cannot insert a row with B's account_id", async () => {
    const errors = await asTenant(a.accountId, async () => ({
      product: await refusal(
        `INSERT INTO products (id, account_id, name, code) VALUES ($1, $2, 'Planted', $3)`,
        [randomUUID(), b.accountId, `planted-${randomUUID()}`],
      ),
      customer: await refusal(
        `INSERT INTO customers (id, account_id, email) VALUES ($1, $2, 'planted@buyer.test')`,
        [randomUUID(), b.accountId],
      ),
      link: await refusal(
        `INSERT INTO audit_entry_links (account_id, item_type, item_id, seq, is_target) VALUES ($1, 'product', $2, 999999, true)`,
        [b.accountId, b.productId],
      ),
    }));
    for (const e of Object.values(errors)) {
      expect(e).toEqual({
        code: '42501',
        message: expect.stringMatching(/new row violates row-level security policy/),
      });
    }
  });

  it("cannot move A's row into B, and its UPDATE and DELETE of B's rows touch nothing", async () => {
    const out = await asTenant(a.accountId, async () => ({
      move: await refusal('UPDATE products SET account_id = $1 WHERE id = $2', [
        b.accountId,
        a.productId,
      ]),
      update: (
        await db.query(`UPDATE products SET name = 'Taken over' WHERE account_id = $1`, [
          b.accountId,
        ])
      ).rowCount,
      updateUnfiltered: (await db.query(`UPDATE licenses SET max_activations = 99`)).rowCount,
      delete: (await db.query('DELETE FROM api_keys WHERE account_id = $1', [b.accountId]))
        .rowCount,
    }));
    expect(out.move).toEqual({
      code: '42501',
      message: expect.stringMatching(/new row violates row-level security policy/),
    });
    expect(out).toMatchObject({ update: 0, delete: 0 });
    expect(out.updateUnfiltered).toBe(1); // A's one license, not B's
    const untouched = await db.query('SELECT name, account_id FROM products WHERE id = $1', [
      b.productId,
    ]);
    expect(untouched.rows[0]).toMatchObject({ account_id: b.accountId });
    expect(untouched.rows[0].name).not.toBe('Taken over');
  });

  it('may not change or remove audit entries (sealed or sealing), heads, links, checkpoints or exports at all (no grant)', async () => {
    const errors = await asTenant(a.accountId, async () => [
      await refusal(`UPDATE audit_entries SET target_label = 'x'`),
      // Only the sealer (the owner) advances a head or removes a pending entry, sealing it.
      await refusal('UPDATE audit_heads SET last_seq = last_seq'),
      await refusal('DELETE FROM audit_pending'),
      await refusal(`UPDATE audit_pending SET target_label = 'x'`),
      await refusal('DELETE FROM audit_entry_links'),
      await refusal('DELETE FROM audit_checkpoints'),
      await refusal(
        `INSERT INTO audit_checkpoints (account_id, seq, hash, at, key_id, signature) VALUES ($1, 1, 'h', now(), 'k', 's')`,
        [a.accountId],
      ),
      await refusal(`UPDATE audit_exports SET status = 'failed'`),
      await refusal('TRUNCATE products'),
      await refusal(`INSERT INTO accounts (id, name, slug) VALUES ($1, 'x', $2)`, [
        randomUUID(),
        `x-${randomUUID()}`,
      ]),
    ]);
    for (const e of errors)
      expect(e).toEqual({ code: '42501', message: expect.stringMatching(/permission denied/) });
  });

  it('without app.account_id the role sees nothing and writes nothing', async () => {
    const out = await asTenant(null, async () => ({
      products: (await db.query('SELECT 1 FROM products')).rowCount,
      entries: (await db.query('SELECT 1 FROM audit_entries')).rowCount,
      insert: await refusal(
        `INSERT INTO products (id, account_id, name, code) VALUES ($1, $2, 'Planted', $3)`,
        [randomUUID(), a.accountId, `p-${randomUUID()}`],
      ),
    }));
    expect(out).toEqual({
      products: 0,
      entries: 0,
      insert: { code: '42501', message: expect.stringMatching(/row-level security/) },
    });
  });

  it("gets a date range's seq bounds only for A: B's, or any without app.account_id, are NULL (migration 1767500000000)", async () => {
    // The bound functions run as their owner (SECURITY DEFINER, outside the policy), so they guard
    // themselves: this is what keeps a date filter over another account from learning its seq numbers.
    const bounds = async (accountId: string) =>
      (
        await db.query<{ lo: string | null; hi: string | null }>(
          `SELECT audit_seq_floor($1, '1970-01-01') AS lo, audit_seq_ceiling($1, '9999-12-31') AS hi`,
          [accountId],
        )
      ).rows[0];
    const owner = { a: await bounds(a.accountId), b: await bounds(b.accountId) };
    expect(Number(owner.a!.lo)).toBeGreaterThanOrEqual(1);
    expect(Number(owner.a!.hi)).toBeGreaterThan(Number(owner.a!.lo));
    expect(Number(owner.b!.hi)).toBeGreaterThan(Number(owner.b!.lo));
    const inA = await asTenant(a.accountId, async () => ({
      a: await bounds(a.accountId),
      b: await bounds(b.accountId),
      // The P4 query's shape over B's account: no row, where the owner finds B's entries.
      bEntries: (
        await db.query(
          `SELECT 1 FROM audit_entries e WHERE e.seq >= audit_seq_floor($1, '1970-01-01') AND e.seq <= audit_seq_ceiling($1, '9999-12-31')`,
          [b.accountId],
        )
      ).rowCount,
    }));
    expect(inA).toEqual({ a: owner.a, b: { lo: null, hi: null }, bEntries: 0 });
    expect(await asTenant(null, () => bounds(a.accountId))).toEqual({ lo: null, hi: null });
    const { rows } = await db.query(
      `SELECT proname, prosecdef, proconfig FROM pg_proc WHERE proname IN ('audit_seq_floor', 'audit_seq_ceiling') ORDER BY proname`,
    );
    expect(rows).toEqual(
      ['audit_seq_ceiling', 'audit_seq_floor'].map((proname) => ({
        proname,
        prosecdef: true,
        proconfig: ['search_path=pg_catalog, public'],
      })),
    );
  });

  it('leaves the connection as it found it after the transaction', async () => {
    await asTenant(a.accountId, async () => {
      expect((await db.query('SELECT current_user AS u')).rows[0].u).toBe(TENANT_ROLE);
    });
    const { rows } = await db.query(
      `SELECT current_user AS u, COALESCE(current_setting('app.account_id', true), '') AS acc`,
    );
    expect(rows[0]).toEqual({ u: 'postgres', acc: '' });
  });
});

describe("the application's transactions", () => {
  it("of a signed-in principal run as the tenant role in the principal's account, whatever the SQL says", async () => {
    const cls = t.app.get<ClsService<RequestStore>>(ClsService);
    const txHost = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const seen = await cls.run(async () => {
      cls.set('principal', {
        accountId: a.accountId,
        userId: null,
        sessionId: null,
        actor: { type: 'system', id: null, name: 'rls test', email: null },
        permissions: new Set(PERMISSIONS),
        source: 'system',
      });
      return txHost.withTransaction(async () => {
        const who = await txHost.tx.query(
          `SELECT current_user AS u, current_setting('app.account_id') AS acc`,
        );
        const products = await txHost.tx.query('SELECT DISTINCT account_id FROM products');
        return { who: who[0], products: products.map((r: { account_id: string }) => r.account_id) };
      });
    });
    expect(seen).toEqual({ who: { u: TENANT_ROLE, acc: a.accountId }, products: [a.accountId] });
  });

  it('without a principal run as the owner (sign-up, the License API before its key is known)', async () => {
    const txHost = t.app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
    const cls = t.app.get<ClsService<RequestStore>>(ClsService);
    const who = await cls.run(() =>
      txHost.withTransaction(() => txHost.tx.query('SELECT current_user AS u')),
    );
    expect(who[0].u).toBe('postgres');
  });

  describe('over HTTP', () => {
    // A probe trigger records, in the row it writes, which role and account the writing statement ran as.
    beforeAll(async () => {
      await db.query(`
        CREATE FUNCTION rls_probe() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.name LIKE 'rls-probe%' THEN
            NEW.name := 'rls-probe ' || current_user || ' ' || COALESCE(current_setting('app.account_id', true), '-');
          END IF;
          RETURN NEW;
        END $$`);
      for (const table of ['products', 'devices', 'api_keys']) {
        await db.query(
          `CREATE TRIGGER ${table}_rls_probe BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION rls_probe()`,
        );
      }
    });
    afterAll(async () => {
      for (const table of ['products', 'devices', 'api_keys'])
        await db.query(`DROP TRIGGER ${table}_rls_probe ON ${table}`);
      await db.query('DROP FUNCTION rls_probe()');
    });

    it("an audited mutation writes as the tenant role in the caller's account", async () => {
      ok(
        await a.api.products.update({ params: { id: a.productId }, body: { name: 'rls-probe' } }),
        200,
      );
      const { rows } = await db.query('SELECT name FROM products WHERE id = $1', [a.productId]);
      expect(rows[0].name).toBe(`rls-probe ${TENANT_ROLE} ${a.accountId}`);
    });

    it("creating an API key (not audited, but in a transaction) writes as the tenant role in the caller's account", async () => {
      const key = ok(
        await a.api.apiKeys.create({ body: { name: 'rls-probe', permissions: ['products:read'] } }),
        201,
      );
      const { rows } = await db.query('SELECT name FROM api_keys WHERE id = $1', [key.id]);
      expect(rows[0].name).toBe(`rls-probe ${TENANT_ROLE} ${a.accountId}`);
    });

    it("a License API activation writes the device in the license's account, once the key has named it", async () => {
      const res = await new VendorFixtures(b.client).activate(b.license.key, `hw-${randomUUID()}`, {
        name: 'rls-probe',
      });
      expect(res.status).toBe(201);
      const { rows } = await db.query('SELECT name, account_id FROM devices WHERE id = $1', [
        res.body.device.id,
      ]);
      expect(rows[0]).toEqual({
        name: `rls-probe ${TENANT_ROLE} ${b.accountId}`,
        account_id: b.accountId,
      });
    });
  });
});

describe('reads (TenantReadInterceptor)', () => {
  const principalOf = (accountId: string) => ({
    accountId,
    userId: null,
    sessionId: null,
    actor: { type: 'system' as const, id: null, name: 'rls test', email: null },
    permissions: new Set(PERMISSIONS),
    source: 'system' as const,
  });
  /** A Nest execution context as the interceptor sees it: an HTTP request with `method`, a handler. */
  const httpContext = (method: string, handler: () => void = function plainRead() {}) =>
    ({
      getType: () => 'http',
      switchToHttp: () => ({ getRequest: () => ({ method }) }),
      getHandler: () => handler,
    }) as unknown as ExecutionContext;

  describe('the mechanism, around a handler whose SQL has no account filter', () => {
    let interceptor: TenantReadInterceptor;
    let txHost: TransactionHost<TenantTransactionalAdapter>;
    let cls: ClsService<RequestStore>;
    beforeAll(() => {
      txHost = t.app.get<TransactionHost<TenantTransactionalAdapter>>(TransactionHost);
      cls = t.app.get<ClsService<RequestStore>>(ClsService);
      interceptor = new TenantReadInterceptor(t.app.get(Reflector), txHost);
    });

    /** What an unfiltered handler sees when the interceptor wraps it for `accountId` (none: no principal). */
    const unfilteredRead = (accountId: string | null, ctx: ExecutionContext) =>
      cls.run(async () => {
        if (accountId) cls.set('principal', principalOf(accountId));
        const handler: CallHandler = {
          handle: () =>
            from(
              (async () => {
                const [who] = await txHost.tx.query(
                  `SELECT current_user AS u, COALESCE(current_setting('app.account_id', true), '') AS acc, current_setting('transaction_read_only') AS ro`,
                );
                const accounts = async (table: string) =>
                  (
                    await txHost.tx.query(`SELECT DISTINCT account_id FROM ${table} ORDER BY 1`)
                  ).map((r: { account_id: string }) => r.account_id);
                const seen = {
                  who,
                  products: await accounts('products'),
                  entries: await accounts('audit_entries'),
                  sessions: await accounts('sessions'),
                };
                // Last: a refused write aborts the transaction. (Outside one it writes nothing: the names stay.)
                const write = await txHost.tx
                  .query(`UPDATE products SET name = name WHERE false`)
                  .then(
                    () => null,
                    (err: { code?: string }) => err.code,
                  );
                return { ...seen, write };
              })(),
            ),
        };
        return (await lastValueFrom(interceptor.intercept(ctx, handler))) as {
          who: { u: string; acc: string; ro: string };
          products: string[];
          entries: string[];
          sessions: string[];
          write: string | null;
        };
      });

    it("a signed-in GET runs read-only as the tenant role in the caller's account and sees only its rows", async () => {
      const seen = await unfilteredRead(a.accountId, httpContext('GET'));
      expect(seen).toEqual({
        who: { u: TENANT_ROLE, acc: a.accountId, ro: 'on' },
        products: [a.accountId],
        entries: [a.accountId],
        sessions: [a.accountId],
        write: '25006', // read_only_sql_transaction
      });
      // And B's the same way: the wall follows the principal, not the connection.
      expect((await unfilteredRead(b.accountId, httpContext('HEAD'))).products).toEqual([
        b.accountId,
      ]);
    });

    it('leaves the owner pool untouched and every tenant-reads connection behind the wall, outside any transaction, also after a failed read', async () => {
      const failing: CallHandler = {
        handle: () => from(txHost.tx.query('SELECT no_such_column FROM products')),
      };
      for (let i = 0; i < 5; i++) {
        await expect(
          cls.run(
            () => (
              cls.set('principal', principalOf(a.accountId)),
              lastValueFrom(interceptor.intercept(httpContext('GET'), failing))
            ),
          ),
        ).rejects.toThrow(/no_such_column/);
        await unfilteredRead(a.accountId, httpContext('GET'));
      }
      const state = `SELECT current_user AS u, COALESCE(current_setting('app.account_id', true), '') AS acc, current_setting('transaction_read_only') AS ro, now() = statement_timestamp() AS fresh, pg_sleep(0.02)::text AS s`;
      // As many at once as each pool holds (DATABASE_POOL_MAX, DATABASE_READ_POOL_MAX): every pooled connection answers.
      const poolMax = (ds: DataSource) => (ds.driver as unknown as { master: { options: { max: number } } }).master.options.max;
      const ownerDs = t.app.get(DataSource);
      const readsDs = t.app.get<DataSource>(getDataSourceToken(TENANT_READS));
      expect([poolMax(ownerDs), poolMax(readsDs)]).toEqual([16, 7]);
      const owner = await Promise.all(Array.from({ length: 16 }, () => ownerDs.query(state)));
      for (const [row] of owner) expect(row).toEqual({ u: 'postgres', acc: '', ro: 'off', fresh: true, s: '' });
      const reads = await Promise.all(Array.from({ length: 7 }, () => readsDs.query(state)));
      for (const [row] of reads) expect(row).toEqual({ u: TENANT_ROLE, acc: expect.any(String), ro: 'on', fresh: true, s: '' });
    });

    it('a tenant-reads connection stays the tenant role, read-only, even after RESET ROLE and RESET ALL (its startup values)', async () => {
      const reads = t.app.get<DataSource>(getDataSourceToken(TENANT_READS));
      const runner = reads.createQueryRunner();
      try {
        await runner.query('RESET ROLE');
        await runner.query('RESET ALL');
        const [row] = await runner.query(`SELECT current_user AS u, current_setting('transaction_read_only') AS ro, (SELECT count(*) FROM products)::int AS n`);
        // No account set after RESET ALL: the role sees no row.
        expect(row).toEqual({ u: TENANT_ROLE, ro: 'on', n: 0 });
        await expect(runner.query(`UPDATE products SET name = name WHERE false`)).rejects.toMatchObject({ code: '25006' });
      } finally {
        // Destroyed, not returned: its session no longer holds the account the pool knows it by.
        await (runner as unknown as { releasePostgresConnection(e: unknown): Promise<void> }).releasePostgresConnection(new Error('reset by the test'));
      }
    });

    it('reads of two accounts on the same pooled connections, in turns and at once: each sees only its own rows', async () => {
      // One at a time the pool hands out the connection released last: A, A (no SET: the session is in A
      // already), B (SET), A (SET)… At once, several connections switch back and forth.
      const order = [a, a, b, a, b, b, a, b, a, a];
      for (const tn of order) expect((await unfilteredRead(tn.accountId, httpContext('GET'))).products).toEqual([tn.accountId]);
      const many = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? b : a));
      const seen = await Promise.all(many.map((tn) => unfilteredRead(tn.accountId, httpContext('GET'))));
      seen.forEach((s, i) => {
        expect(s.who.acc).toBe(many[i]!.accountId);
        expect(s.products).toEqual([many[i]!.accountId]);
        expect(s.entries).toEqual([many[i]!.accountId]);
      });
    });

    it('leaves mutations, audited handlers and callers without a principal to their own transactions', async () => {
      const audited = function auditedRead() {};
      Reflect.defineMetadata(
        AUDITED_KEY,
        { action: 'product_updated', options: { target: 'product' } },
        audited,
      );
      for (const [accountId, ctx] of [
        [a.accountId, httpContext('POST')],
        [a.accountId, httpContext('GET', audited)],
        [null, httpContext('GET')],
      ] as const) {
        const seen = await unfilteredRead(accountId, ctx);
        expect(seen.who).toEqual({ u: 'postgres', acc: '', ro: 'off' });
        expect(seen.products).toEqual(expect.arrayContaining([a.accountId, b.accountId]));
      }
    });
  });

  describe('every signed-in GET of the contract, over HTTP', () => {
    // GETs that read nothing of an account: the action catalog comes from the contract, not the database.
    const NO_DATABASE = ['auditLog.actions'];
    const ids: Record<string, string> = {};
    const probed = CONTRACT_ROUTES.filter(
      ({ route }) => route.method === 'GET' && !('public' in (route.metadata as object)),
    ).filter(({ name }) => !NO_DATABASE.includes(name));
    const blackout = [...Object.keys(TENANT_GRANTS), 'accounts'];

    /** What a read answered, in a word: a count of items, entries checked, or the status. */
    const summary = (res: Res): string => {
      if (res.status !== 200) return `status ${res.status}`;
      if (Array.isArray(res.body?.items)) return `${res.body.items.length} items`;
      // A full verification (it may not have checked anything yet): found.
      if (typeof res.body?.id === 'string' && typeof res.body?.trigger === 'string') return 'found';
      if (typeof res.body?.entriesChecked === 'number')
        return `${res.body.entriesChecked} entries checked`;
      return 'found';
    };
    const readAll = async () => {
      const out: Record<string, string> = {};
      for (const { name, route } of probed) {
        const id = ids[name.split('.')[0]!];
        out[name] = summary(await a.client.request('GET', fillPath(route, id ? { id } : {})));
      }
      return out;
    };

    beforeAll(async () => {
      const f = new VendorFixtures(a.client);
      const customer = await f.customer();
      const order = await f.order(customer.id);
      const template = ok(
        await a.api.permissionTemplates.create({
          body: { name: 'Readers', permissions: ['licenses:read'] },
        }),
        201,
      );
      const policy = ok(
        await a.api.notificationPolicies.create({
          body: { name: 'Ops', event: 'license_disabled', recipients: ['ops@vendor.test'] },
        }),
        201,
      );
      const [exp] = ok(await a.api.auditExports.list(), 200).items;
      // A public address literal: no name to resolve, and no worker here to deliver to it.
      const stream = ok(
        await a.api.logStreams.create({
          body: {
            name: 'SIEM',
            destination: {
              type: 'webhook',
              url: 'https://93.184.215.14/hook',
              signingSecret: `whsec_${'A'.repeat(43)}=`,
            },
            filter: {},
            startPoint: 'now',
          },
        }),
        201,
      );
      Object.assign(ids, {
        logStreams: stream.id,
        products: a.productId,
        licenses: a.license.id,
        devices: a.license.id,
        customers: customer.id,
        orders: order.id,
        platformUsers: a.client.session!.user.id,
        permissionTemplates: template.id,
        notificationPolicies: policy.id,
        auditExports: exp!.id,
        auditLog: ok(await a.api.auditLog.list({ query: { limit: 1 } }), 200).items[0]!.id,
      });
      // A signed checkpoint for the checkpoint list (the worker's job, run here once), a stored
      // integrity status (the worker's incremental verifier, run here once) and a queued full verification.
      await t.app.get(IntegrityService).sealDue();
      await t.app.get(IntegrityVerifier).verifyIncrementally(a.accountId);
      const run = ok(await a.api.auditIntegrity.requestVerification(), 202);
      ids.auditIntegrity = run.id;
    });

    it('covers every signed-in GET route but the catalog', () => {
      expect(probed.length + NO_DATABASE.length).toBe(
        CONTRACT_ROUTES.filter(
          ({ route }) => route.method === 'GET' && !('public' in (route.metadata as object)),
        ).length,
      );
      expect(probed.length).toBeGreaterThanOrEqual(26);
    });

    it("answer with the caller's data normally, and with nothing once the tenant role may see no row", async () => {
      const normal = await readAll();
      expect(normal).toEqual(
        Object.fromEntries(
          probed.map(({ name }) => [
            name,
            expect.stringMatching(/^(found|[1-9]\d* items|[1-9]\d* entries checked)$/),
          ]),
        ),
      );

      for (const table of blackout)
        await db.query(
          `CREATE POLICY rls_blackout ON ${table} AS RESTRICTIVE FOR SELECT TO ${TENANT_ROLE} USING (false)`,
        );
      let hidden: Record<string, string>;
      let headOfItem: number;
      try {
        hidden = await readAll();
        headOfItem = (await a.client.request('HEAD', `/api/v1/products/${a.productId}`)).status;
      } finally {
        for (const table of blackout) await db.query(`DROP POLICY rls_blackout ON ${table}`);
      }
      // The owner still sees every row: only a read behind the wall can have come back empty.
      expect((await db.query('SELECT 1 FROM products WHERE id = $1', [a.productId])).rowCount).toBe(
        1,
      );
      expect(hidden!).toEqual(
        Object.fromEntries(
          probed.map(({ name }) => [
            name,
            expect.stringMatching(/^(0 items|0 entries checked|status (401|404))$/),
          ]),
        ),
      );
      expect(headOfItem).toBe(404);
      // And the wall is lifted again: the same reads answer as before.
      expect(await readAll()).toEqual(normal);
    });
  });
});
