import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Log streams (issue 14).
 *
 * `log_streams`: one row per stream of an account — its destination type, non-secret settings (jsonb),
 * secrets encrypted at rest (AES-256-GCM, `v1.<iv>.<tag>.<ciphertext>` in base64url, the stream id as
 * associated data, under LOG_STREAM_SECRETS_KEY), filter (the audit log's filter, jsonb), start point,
 * status, delivered-through seq (moved only after the destination acknowledged), who created it, and
 * the worker's bookkeeping: the lease (`lease_owner`, `lease_until`: one worker per stream at a time;
 * a killed worker's lease lapses), the batch in flight (`pending_through_seq`: a retry resends the same
 * range under the same batch id), consecutive failures, next attempt, last success / error, and when
 * the admins were emailed that it is failing.
 *
 * `log_stream_attempts`: one row per delivery attempt; the worker keeps the last 50 of each stream.
 *
 * Row-level security as for every tenant table (see 1764500000000-row-level-security): the tenant role
 * manages streams and reads attempts; the worker, as owner, writes the bookkeeping and the attempts.
 *
 * The Access and security actions `log_stream_created`, `_updated`, `_paused`, `_resumed`, `_deleted`
 * and `_backfilled` are added to the CHECK on `audit_entries.action` (NOT VALID, then VALIDATE), the
 * lists written out so that this migration means the same thing forever.
 */
const SEED_ACTIONS = [
  'platform_user_added',
  'platform_user_updated',
  'platform_user_removed',
  'user_permission_template_created',
  'user_permission_template_updated',
  'user_permission_template_permissions_set',
  'user_permission_template_deleted',
  'notification_policy_created',
  'notification_policy_updated',
  'notification_policy_deleted',
  'product_created',
  'product_updated',
  'product_activated',
  'product_deactivated',
  'product_archived',
  'product_unarchived',
  'product_deleted',
  'customer_created',
  'customer_updated',
  'customer_deleted',
  'order_created',
  'order_updated',
  'order_manager_added',
  'order_manager_removed',
  'order_deleted',
  'license_created',
  'license_updated',
  'license_reset',
  'license_disabled',
  'license_enabled',
  'license_consumption_reset',
  'license_user_assigned',
  'license_user_unassigned',
  'license_features_updated',
  'license_deleted',
  'license_custom_field_created',
  'license_custom_field_updated',
  'license_custom_field_deleted',
  'device_reset',
  'device_blacklisted',
  'device_borrowed',
  'device_borrow_released',
];

const ACCESS_SECURITY_ACTIONS = [
  'user_signed_in',
  'user_sign_in_failed',
  'user_signed_out',
  'user_password_changed',
  'user_sessions_revoked',
  'api_key_created',
  'api_key_revoked',
  'audit_log_export_requested',
  'audit_log_export_downloaded',
  'permission_denied',
];

const ACCESS_SECURITY_ACTIONS_2 = ['audit_log_integrity_broken'];

const LOG_STREAM_ACTIONS = [
  'log_stream_created',
  'log_stream_updated',
  'log_stream_paused',
  'log_stream_resumed',
  'log_stream_deleted',
  'log_stream_backfilled',
];

const check = (actions: string[]) =>
  `CHECK (action IN (${actions.map((a) => `'${a}'`).join(', ')}))`;

const ROLE = 'keyledger_tenant';
const CURRENT = `NULLIF(current_setting('app.account_id', true), '')::uuid`;

export class LogStreams1766000000000 implements MigrationInterface {
  name = 'LogStreams1766000000000';

  /** The tenant role's grants on this migration's tables (as RowLevelSecurity1764500000000.GRANTS for the earlier ones). */
  static readonly GRANTS: Record<string, string> = {
    log_streams: 'SELECT, INSERT, UPDATE, DELETE',
    log_stream_attempts: 'SELECT, DELETE',
  };

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE log_streams (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        destination_type text NOT NULL CHECK (destination_type IN ('webhook')),
        config jsonb NOT NULL DEFAULT '{}',
        secrets_encrypted text NOT NULL,
        secret_names text[] NOT NULL DEFAULT '{}',
        filter jsonb NOT NULL DEFAULT '{}',
        start_point text NOT NULL CHECK (start_point IN ('now', 'beginning')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'failing')),
        delivered_through_seq bigint NOT NULL DEFAULT 0 CHECK (delivered_through_seq >= 0),
        pending_through_seq bigint,
        consecutive_failures integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner text,
        lease_until timestamptz,
        last_success_at timestamptz,
        last_error_at timestamptz,
        last_error_status integer,
        last_error text,
        failing_notified_at timestamptz,
        created_by_type text NOT NULL CHECK (created_by_type IN ('platform_user', 'api_key', 'system')),
        created_by_id uuid,
        created_by_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX log_streams_account ON log_streams (account_id, created_at DESC, id DESC)',
    );
    await q.query(
      `CREATE INDEX log_streams_due ON log_streams (next_attempt_at) WHERE status <> 'paused'`,
    );
    await q.query(`
      CREATE TABLE log_stream_attempts (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        stream_id uuid NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        batch_id text NOT NULL,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        entries integer NOT NULL,
        ok boolean NOT NULL,
        status_code integer,
        duration_ms integer NOT NULL,
        error text
      )`);
    await q.query(
      'CREATE INDEX log_stream_attempts_stream ON log_stream_attempts (stream_id, id DESC)',
    );
    for (const [table, privileges] of Object.entries(LogStreams1766000000000.GRANTS)) {
      await q.query(`GRANT ${privileges} ON ${table} TO ${ROLE}`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY tenant_isolation ON ${table} TO ${ROLE} USING (account_id = ${CURRENT}) WITH CHECK (account_id = ${CURRENT})`,
      );
    }

    await q.query('ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_action_check');
    await q.query(
      `ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_action_check ${check([...SEED_ACTIONS, ...ACCESS_SECURITY_ACTIONS, ...ACCESS_SECURITY_ACTIONS_2, ...LOG_STREAM_ACTIONS])} NOT VALID`,
    );
    await q.query('ALTER TABLE audit_entries VALIDATE CONSTRAINT audit_entries_action_check');
  }

  async down(): Promise<void> {
    throw new Error(
      'Entries recording log stream changes may exist and are kept indefinitely: this migration cannot be reverted.',
    );
  }
}
