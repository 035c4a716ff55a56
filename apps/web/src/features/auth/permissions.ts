import type { Permission, User } from '@keyledger/contract';

/**
 * What each permission lets its holder do, worded to end "You don't have permission to …".
 * A Record over the contract's permissions, so a new permission is a type error until it is worded.
 */
export const PERMISSION_ABILITIES: Record<Permission, string> = {
  'products:read': 'view products',
  'products:write': 'change products',
  'customers:read': 'view customers',
  'customers:write': 'change customers',
  'orders:read': 'view orders',
  'orders:write': 'change orders',
  'licenses:read': 'view licenses',
  'licenses:write': 'change licenses',
  'devices:write': 'change devices',
  'audit_log:read': 'view the audit log',
  'audit_log:export': 'export the audit log',
  'settings:users': 'manage users',
  'settings:templates': 'manage permission templates',
  'settings:notifications': 'manage notification policies',
  'settings:api_keys': 'manage API keys',
  'settings:log_streams': 'manage log streams',
};

/** Whether the user may use a route declaring `permission` (admins hold them all, as in the API). */
export function holdsPermission(
  user: Pick<User, 'isAdmin' | 'permissions'> | null | undefined,
  permission: Permission,
): boolean {
  return Boolean(user && (user.isAdmin || user.permissions.includes(permission)));
}
