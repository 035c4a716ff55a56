import { auditActionLabel, type AuditAction } from '@keyledger/contract';
import { Badge } from '@mantine/core';
import { HoverTooltip } from '../../../components/HoverTooltip';
import { actionColor } from '../utils/actionStyle';

/** The action's label, coloured by its group; the whole label on hover when the column cuts it. */
export function ActionBadge({ action }: { action: AuditAction }) {
  const label = auditActionLabel(action);
  return (
    <HoverTooltip label={label} withArrow openDelay={300}>
      <Badge
        color={actionColor(action)}
        variant="light"
        radius="sm"
        tt="none"
        maw="100%"
        aria-label={label}
        data-action={action}
      >
        {label}
      </Badge>
    </HoverTooltip>
  );
}
