/**
 * The audit taxonomy: every action Keyledger records, as data.
 *
 * The first eight groups are spelled exactly as on the page the product is built from
 * (shared/seed/audit-log.txt); the ninth, Access and security, is Keyledger's own: sign-ins, sign-outs,
 * passwords, sessions, API keys, audit-log exports, log streams and refused requests. Entries store the action's
 * name, and the database checks it against this list: adding, renaming or removing an action needs a
 * migration that rewrites the check (and never the entries).
 */
import { z } from 'zod';

export const AUDIT_ACTION_GROUPS = [
  { id: 'platform_users', label: 'Platform Users' },
  { id: 'permission_templates', label: 'Permissions Template for Platform Users' },
  { id: 'email_notifications', label: 'Email Notifications' },
  { id: 'products', label: 'Products' },
  { id: 'customers', label: 'Customers' },
  { id: 'orders', label: 'Orders' },
  { id: 'licenses', label: 'Licenses' },
  { id: 'devices', label: 'Devices' },
  { id: 'access_security', label: 'Access and Security' },
] as const;

/** The groups of the seed page (the ninth, access_security, is not on it). */
export const SEED_ACTION_GROUP_COUNT = 8;

export type AuditActionGroupId = (typeof AUDIT_ACTION_GROUPS)[number]['id'];
export const ZAuditActionGroup = z.enum(
  AUDIT_ACTION_GROUPS.map((g) => g.id) as [AuditActionGroupId, ...AuditActionGroupId[]],
);

/** Action name → its group and the label the UI shows. Order follows the seed page. */
export const AUDIT_ACTION_CATALOG = {
  platform_user_added: { group: 'platform_users', label: 'Platform user added' },
  platform_user_updated: { group: 'platform_users', label: 'Platform user updated' },
  platform_user_removed: { group: 'platform_users', label: 'Platform user removed' },

  user_permission_template_created: {
    group: 'permission_templates',
    label: 'Permission template created',
  },
  user_permission_template_updated: {
    group: 'permission_templates',
    label: 'Permission template updated',
  },
  user_permission_template_permissions_set: {
    group: 'permission_templates',
    label: 'Permission template permissions set',
  },
  user_permission_template_deleted: {
    group: 'permission_templates',
    label: 'Permission template deleted',
  },

  notification_policy_created: {
    group: 'email_notifications',
    label: 'Notification policy created',
  },
  notification_policy_updated: {
    group: 'email_notifications',
    label: 'Notification policy updated',
  },
  notification_policy_deleted: {
    group: 'email_notifications',
    label: 'Notification policy deleted',
  },

  product_created: { group: 'products', label: 'Product created' },
  product_updated: { group: 'products', label: 'Product updated' },
  product_activated: { group: 'products', label: 'Product activated' },
  product_deactivated: { group: 'products', label: 'Product deactivated' },
  product_archived: { group: 'products', label: 'Product archived' },
  product_unarchived: { group: 'products', label: 'Product unarchived' },
  product_deleted: { group: 'products', label: 'Product deleted' },

  customer_created: { group: 'customers', label: 'Customer created' },
  customer_updated: { group: 'customers', label: 'Customer updated' },
  customer_deleted: { group: 'customers', label: 'Customer deleted' },

  order_created: { group: 'orders', label: 'Order created' },
  order_updated: { group: 'orders', label: 'Order updated' },
  order_manager_added: { group: 'orders', label: 'Order manager added' },
  order_manager_removed: { group: 'orders', label: 'Order manager removed' },
  order_deleted: { group: 'orders', label: 'Order deleted' },

  license_created: { group: 'licenses', label: 'License created' },
  license_updated: { group: 'licenses', label: 'License updated' },
  license_reset: { group: 'licenses', label: 'License reset' },
  license_disabled: { group: 'licenses', label: 'License disabled' },
  license_enabled: { group: 'licenses', label: 'License enabled' },
  license_consumption_reset: { group: 'licenses', label: 'License consumption reset' },
  license_user_assigned: { group: 'licenses', label: 'License user assigned' },
  license_user_unassigned: { group: 'licenses', label: 'License user unassigned' },
  license_features_updated: { group: 'licenses', label: 'License features updated' },
  license_deleted: { group: 'licenses', label: 'License deleted' },
  license_custom_field_created: { group: 'licenses', label: 'License custom field created' },
  license_custom_field_updated: { group: 'licenses', label: 'License custom field updated' },
  license_custom_field_deleted: { group: 'licenses', label: 'License custom field deleted' },

  device_reset: { group: 'devices', label: 'Device reset' },
  device_blacklisted: { group: 'devices', label: 'Device blacklisted' },
  device_borrowed: { group: 'devices', label: 'Device borrowed' },
  device_borrow_released: { group: 'devices', label: 'Device borrow released' },

  user_signed_in: { group: 'access_security', label: 'User signed in' },
  user_sign_in_failed: { group: 'access_security', label: 'User sign-in failed' },
  user_signed_out: { group: 'access_security', label: 'User signed out' },
  user_password_changed: { group: 'access_security', label: 'User password changed' },
  user_sessions_revoked: { group: 'access_security', label: 'User sessions revoked' },
  api_key_created: { group: 'access_security', label: 'API key created' },
  api_key_revoked: { group: 'access_security', label: 'API key revoked' },
  audit_log_export_requested: { group: 'access_security', label: 'Audit log export requested' },
  audit_log_export_downloaded: { group: 'access_security', label: 'Audit log export downloaded' },
  permission_denied: { group: 'access_security', label: 'Permission denied' },
  audit_log_integrity_broken: { group: 'access_security', label: 'Audit log integrity broken' },
  log_stream_created: { group: 'access_security', label: 'Log stream created' },
  log_stream_updated: { group: 'access_security', label: 'Log stream updated' },
  log_stream_paused: { group: 'access_security', label: 'Log stream paused' },
  log_stream_resumed: { group: 'access_security', label: 'Log stream resumed' },
  log_stream_deleted: { group: 'access_security', label: 'Log stream deleted' },
  log_stream_backfilled: { group: 'access_security', label: 'Log stream backfilled' },
} as const satisfies Record<string, { group: AuditActionGroupId; label: string }>;

export type AuditAction = keyof typeof AUDIT_ACTION_CATALOG;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_CATALOG) as [AuditAction, ...AuditAction[]];
export const ZAuditAction = z.enum(AUDIT_ACTIONS);

export function auditActionGroup(action: AuditAction): AuditActionGroupId {
  return AUDIT_ACTION_CATALOG[action].group;
}

export function auditActionLabel(action: AuditAction): string {
  return AUDIT_ACTION_CATALOG[action].label;
}

export function auditActionsInGroup(group: AuditActionGroupId): AuditAction[] {
  return AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_CATALOG[a].group === group);
}
