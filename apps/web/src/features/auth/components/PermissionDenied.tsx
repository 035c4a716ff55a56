import type { Permission } from '@keyledger/contract';
import { Alert, Code, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { apiErrorMessage, apiErrorPermission } from '../../../api/errors';
import { useSession } from '../hooks/useSession';
import { PERMISSION_ABILITIES } from '../permissions';

/**
 * What the user sees instead of a page or section they may not use: the permission it needs, and
 * whom to ask. Given `permission` when it is known (a page's route declares it), else the `error`
 * of a query the API refused with 403.
 */
export function PermissionDenied({
  permission,
  error,
  children,
}: {
  permission?: Permission;
  error?: unknown;
  /** Extra content under the message (e.g. a way back). */
  children?: ReactNode;
}) {
  const account = useSession()?.account.name;
  const needed = permission ?? apiErrorPermission(error);
  const admins = account ? `an admin of ${account}` : 'an admin of your account';
  return (
    <Alert
      color="yellow"
      role="alert"
      title={`You don't have permission to ${needed ? PERMISSION_ABILITIES[needed] : 'see this'}`}
    >
      {needed ? (
        <Text size="sm">
          Ask {admins} for the <Code>{needed}</Code> permission.
        </Text>
      ) : (
        <Text size="sm">
          {error !== undefined && `${apiErrorMessage(error)} `}Ask {admins} for access.
        </Text>
      )}
      {children}
    </Alert>
  );
}
