import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The ninth group of the audit taxonomy, Access and security (packages/contract/src/audit-actions.ts):
 * sign-ins, failed sign-ins, sign-outs, password changes, ended sessions, API keys created and revoked,
 * audit-log exports requested and downloaded, and requests refused for lack of a permission. The
 * CHECK on `audit_entries.action` is rewritten to admit them; the lists are written out here (not
 * imported from the contract) so that this migration means the same thing forever.
 *
 * The new constraint is added NOT VALID and then validated: the validation scans the table under a
 * SHARE UPDATE EXCLUSIVE lock, so writers are not blocked while a large log is checked.
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

export class AccessSecurityActions1764710000000 implements MigrationInterface {
  name = 'AccessSecurityActions1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_entries DROP CONSTRAINT audit_entries_action_check');
    await q.query(
      `ALTER TABLE audit_entries ADD CONSTRAINT audit_entries_action_check ${check([...SEED_ACTIONS, ...ACCESS_SECURITY_ACTIONS])} NOT VALID`,
    );
    await q.query('ALTER TABLE audit_entries VALIDATE CONSTRAINT audit_entries_action_check');
  }

  async down(): Promise<void> {
    throw new Error('Entries of the Access and security group may exist and are kept indefinitely: this migration cannot be reverted.');
  }
}
