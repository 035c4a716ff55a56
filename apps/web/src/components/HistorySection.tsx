import { Stack, Title } from '@mantine/core';
import type { ItemType } from '@keyledger/contract';
import { AuditLogTable } from '../features/audit-log/components/AuditLogTable';
import { useCan } from '../features/auth/hooks/usePermissions';

/** The item's audit table at the bottom of its page, for who may read the audit log. */
export function HistorySection({
  itemType,
  itemId,
  label,
}: {
  itemType: ItemType;
  itemId: string;
  label: string;
}) {
  const headingId = `${itemType}-history`;
  const canRead = useCan('audit_log:read');
  if (!canRead) return null;
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={2} size="h4" id={headingId}>
        History
      </Title>
      <AuditLogTable
        itemType={itemType}
        itemId={itemId}
        height={480}
        aria-label={`History of ${label}`}
      />
    </Stack>
  );
}
