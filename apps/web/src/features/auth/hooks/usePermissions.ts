import type { Permission } from '@keyledger/contract';
import { useCallback } from 'react';
import { holdsPermission } from '../permissions';
import { useSession } from './useSession';

/**
 * `can(permission)` for the signed-in user, from the session query. For hiding what the user may
 * not do; the API still checks every request.
 */
export function usePermissions() {
  const user = useSession()?.user;
  const can = useCallback((permission: Permission) => holdsPermission(user, permission), [user]);
  return { can };
}

/** Whether the signed-in user holds `permission`. */
export function useCan(permission: Permission): boolean {
  return usePermissions().can(permission);
}
