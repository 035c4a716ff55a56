import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Row-level security on every tenant table: a second wall behind the service layer's account scoping.
 *
 * The wall: a NOLOGIN role `keyledger_tenant` (created once per cluster, if missing) holds the only
 * grants on the tenant tables besides their owner, and every table with an `account_id` (and `accounts`
 * by its `id`) has a policy for that role letting it see and write only the rows whose account is the
 * per-transaction setting `app.account_id`. Without the setting it sees nothing and can write nothing.
 *
 * Who runs behind it: a transaction enters an account with
 * `SELECT set_config('app.account_id', $1, true), set_config('role', 'keyledger_tenant', true)`
 * (`enterAccount` in src/database/tenant-scope.ts; both settings end with the transaction, so pooled
 * connections never carry them over). The transactional adapter does so at BEGIN for every transaction
 * opened while the request context holds a principal (every @Audited mutation, export requests, the demo
 * seed's audited actions); the License API does so once the license key has named the account; the
 * integrity check and the export writer do so in their own snapshot transactions.
 *
 * Who deliberately runs as the owner (the connecting role, which bypasses RLS as superuser or as the
 * tables' owner without FORCE ROW LEVEL SECURITY): sign-up (creates the account), sign-in by email and
 * session / API-key lookup by token (before the account is known), the License API's lookup of the key,
 * the worker's checkpoint job (every account's head), the export job's bookkeeping, `audit:verify`,
 * the migrations and the demo seed's sign-up. Reads outside a transaction also run as the owner: the
 * service layer's account filter is their only wall.
 *
 * Grants follow what the application does as a tenant: the domain tables in full; the append-only
 * audit_entries and audit_entry_links only SELECT and INSERT (their triggers refuse the rest anyway);
 * audit_heads SELECT and UPDATE (an entry advances the head; heads are created with the account);
 * audit_exports SELECT and INSERT (the worker, as owner, moves them along); audit_checkpoints and
 * accounts only SELECT (the worker signs checkpoints; sign-up creates accounts). A future tenant table
 * must enable RLS, add the same policy and grant in its own migration (test/row-level-security.int-spec.ts
 * fails until it does).
 */
export class RowLevelSecurity1764500000000 implements MigrationInterface {
  name = 'RowLevelSecurity1764500000000';

  static readonly ROLE = 'keyledger_tenant';

  static readonly GRANTS: Record<string, string> = {
    platform_users: 'SELECT, INSERT, UPDATE, DELETE',
    sessions: 'SELECT, INSERT, UPDATE, DELETE',
    api_keys: 'SELECT, INSERT, UPDATE, DELETE',
    products: 'SELECT, INSERT, UPDATE, DELETE',
    permission_templates: 'SELECT, INSERT, UPDATE, DELETE',
    notification_policies: 'SELECT, INSERT, UPDATE, DELETE',
    customers: 'SELECT, INSERT, UPDATE, DELETE',
    orders: 'SELECT, INSERT, UPDATE, DELETE',
    order_managers: 'SELECT, INSERT, UPDATE, DELETE',
    licenses: 'SELECT, INSERT, UPDATE, DELETE',
    license_users: 'SELECT, INSERT, UPDATE, DELETE',
    license_custom_fields: 'SELECT, INSERT, UPDATE, DELETE',
    devices: 'SELECT, INSERT, UPDATE, DELETE',
    audit_heads: 'SELECT, UPDATE',
    audit_entries: 'SELECT, INSERT',
    audit_entry_links: 'SELECT, INSERT',
    audit_exports: 'SELECT, INSERT',
    audit_checkpoints: 'SELECT',
  };

  async up(q: QueryRunner): Promise<void> {
    const role = RowLevelSecurity1764500000000.ROLE;
    // Roles belong to the cluster, not the database: another database (or a concurrent migration)
    // may have created it already.
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    // SET ROLE needs membership unless the connecting role is a superuser.
    await q.query(`
      DO $$
      BEGIN
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, '${role}', 'MEMBER') THEN
          EXECUTE format('GRANT ${role} TO %I', current_user);
        END IF;
      END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    // No table has a sequence today; a future serial column would need this.
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);

    const current = `NULLIF(current_setting('app.account_id', true), '')::uuid`;
    await q.query(`GRANT SELECT ON accounts TO ${role}`);
    await q.query(`ALTER TABLE accounts ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY tenant_isolation ON accounts TO ${role} USING (id = ${current}) WITH CHECK (id = ${current})`);
    for (const [table, privileges] of Object.entries(RowLevelSecurity1764500000000.GRANTS)) {
      await q.query(`GRANT ${privileges} ON ${table} TO ${role}`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY tenant_isolation ON ${table} TO ${role} USING (account_id = ${current}) WITH CHECK (account_id = ${current})`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const role = RowLevelSecurity1764500000000.ROLE;
    for (const table of ['accounts', ...Object.keys(RowLevelSecurity1764500000000.GRANTS)]) {
      await q.query(`DROP POLICY IF EXISTS tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
      await q.query(`REVOKE ALL ON ${table} FROM ${role}`);
    }
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${role}`);
    // The role itself stays: other databases of the cluster may still use it.
  }
}
