import { PERMISSIONS, type Permission } from '@keyledger/contract';

const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);
const NONE: ReadonlySet<Permission> = new Set();

/** Admins hold every permission; other users hold their permission template's (none without one). */
export function permissionsOf(user: { isAdmin: boolean }, templatePermissions?: readonly Permission[]): ReadonlySet<Permission> {
  if (user.isAdmin) return ALL;
  return templatePermissions ? new Set(templatePermissions) : NONE;
}
