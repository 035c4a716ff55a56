import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Integrity off the request path (issue 13).
 *
 * `audit_integrity_status`: one row per account, what the worker's incremental verifier has checked —
 * verified through which seq, the hash there, when, against which signed checkpoint — and the first
 * break any verification found (seq, reason, when, by which kind of run). `GET /audit-log/integrity`
 * reads this row instead of re-hashing the chain.
 *
 * `audit_integrity_runs`: full re-verifications (queued on demand or on a schedule) with their progress
 * and result, plus one row per break the incremental verifier found (the audit entry it raises points at
 * it). At most one queued or running full verification per account (a partial unique index).
 *
 * Row-level security as for every tenant table: the tenant role reads both and may insert a run (the
 * "verify now" request); the worker, as owner, writes the rest.
 *
 * The action `audit_log_integrity_broken` (Access and security, written by the system actor when a
 * verification finds a break) is added to the CHECK on `audit_entries.action`, NOT VALID then VALIDATE
 * as in 1764710000000; the lists are written out so that this migration means the same thing forever.
 */
const SEED_ACTIONS = [
  'platform_user_added', 'platform_user_updated', 'platform_user_removed',
  'user_permission_template_created', 'user_permission_template_updated', 'user_permission_template_permissions_set',
  'user_permission_template_deleted',
  'notification_policy_created', 'notification_policy_updated', 'notification_policy_deleted',
  'product_created', 'product_updated', 'product_activated', 'product_deactivated', 'product_archived',
  'product_unarchived', 'product_deleted',
  'customer_created', 'customer_updated', 'customer_deleted',
  'order_created', 'order_updated', 'order_manager_added', 'order_manager_removed', 'order_deleted',
  'license_created', 'license_updated', 'license_reset', 'license_disabled', 'license_enabled',
  'license_consumption_reset', 'license_user_assigned', 'license_user_unassigned', 'license_features_updated',
  'license_deleted', 'license_custom_field_created', 'license_custom_field_updated', 'license_custom_field_deleted',
  'device_reset', 'device_blacklisted', 'device_borrowed', 'device_borrow_released',
];

const ACCESS_SECURITY_ACTIONS = [
  'user_signed_in', 'user_sign_in_failed', 'user_signed_out', 'user_password_changed', 'user_sessions_revoked',
  'api_key_created', 'api_key_revoked', 'audit_log_export_requested', 'audit_log_export_downloaded', 'permission_denied',
];

const check = (actions: string[]) => `CHECK (action IN (${actions.map((a) => `'${a}'`).join(', ')}))`;

const ROLE = 'keyledger_tenant';
const CURRENT = `NULLIF(current_setting('app.account_id', true), '')::uuid`;

export class AuditIntegrityStatus1764900000000 implements MigrationInterface {
  name = 'AuditIntegrityStatus1764900000000';

  /** The tenant role's grants on this migration's tables (as RowLevelSecurity1764500000000.GRANTS for the earlier ones). */
  static readonly GRANTS: Record<string, string> = { audit_integrity_status: 'SELECT', audit_integrity_runs: 'SELECT, INSERT' };

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_integrity_status (
        account_id uuid PRIMARY KEY REFERENCES accounts(id),
        verified_through_seq bigint NOT NULL DEFAULT 0 CHECK (verified_through_seq >= 0),
        verified_through_hash text NOT NULL DEFAULT '${'0'.repeat(64)}',
        verified_at timestamptz,
        checkpoint_seq bigint,
        checkpoint_valid boolean,
        last_run_entries bigint NOT NULL DEFAULT 0,
        first_broken_seq bigint,
        broken_reason text,
        broken_at timestamptz,
        broken_by text CHECK (broken_by IN ('incremental', 'full')),
        CHECK ((first_broken_seq IS NULL) = (broken_reason IS NULL))
      )`);
    await q.query(`
      CREATE TABLE audit_integrity_runs (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        kind text NOT NULL CHECK (kind IN ('full', 'incremental')),
        trigger text NOT NULL CHECK (trigger IN ('manual', 'schedule', 'incremental')),
        requested_by_type text NOT NULL CHECK (requested_by_type IN ('platform_user', 'api_key', 'system')),
        requested_by_id uuid,
        requested_by_name text NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        head_seq bigint,
        entries_checked bigint NOT NULL DEFAULT 0,
        threads int,
        ok boolean,
        first_broken_seq bigint,
        reason text,
        checkpoint_seq bigint,
        error text
      )`);
    await q.query('CREATE INDEX audit_integrity_runs_account ON audit_integrity_runs (account_id, requested_at DESC, id DESC)');
    await q.query(
      `CREATE UNIQUE INDEX audit_integrity_runs_one_active ON audit_integrity_runs (account_id) WHERE kind = 'full' AND status IN ('queued', 'running')`,
    );
    for (const [table, privileges] of Object.entries(AuditIntegrityStatus1764900000000.GRANTS)) {
      await q.query(`GRANT ${privileges} ON ${table} TO ${ROLE}`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY tenant_isolation ON ${table} TO ${ROLE} USING (account_id = ${CURRENT}) WITH CHECK (account_id = ${CURRENT})`);
    }

    await q.query('ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_action_check');
    await q.query(
      `ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_action_check ${check([...SEED_ACTIONS, ...ACCESS_SECURITY_ACTIONS, 'audit_log_integrity_broken'])} NOT VALID`,
    );
    await q.query('ALTER TABLE audit_entries VALIDATE CONSTRAINT audit_entries_action_check');
  }

  async down(): Promise<void> {
    throw new Error('Entries recording integrity breaks may exist and are kept indefinitely: this migration cannot be reverted.');
  }
}
