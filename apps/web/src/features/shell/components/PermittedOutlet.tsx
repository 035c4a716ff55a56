import { Outlet, useMatches } from '@tanstack/react-router';
import { PermissionDenied } from '../../auth/components/PermissionDenied';
import { usePermissions } from '../../auth/hooks/usePermissions';

/**
 * The page, unless its route declares a permission (`staticData.permission`) the user lacks: then
 * what to ask for instead, without calling the API. A link or a bookmark can still lead there.
 */
export function PermittedOutlet() {
  const { can } = usePermissions();
  const needed = useMatches({
    select: (matches) => matches.findLast((m) => m.staticData.permission)?.staticData.permission,
  });
  if (needed && !can(needed)) return <PermissionDenied permission={needed} />;
  return <Outlet />;
}
