import { auditActionLabel, type AuditAction } from '@keyledger/contract';
import { Badge } from '@mantine/core';
import { actionColor } from '../utils/actionStyle';

/** The action's label, coloured by its group. */
export function ActionBadge({ action }: { action: AuditAction }) {
  return (
    <Badge
      color={actionColor(action)}
      variant="light"
      radius="sm"
      tt="none"
      maw="100%"
      title={action}
    >
      {auditActionLabel(action)}
    </Badge>
  );
}
