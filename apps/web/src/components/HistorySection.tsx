import { Stack, Text, Title } from '@mantine/core';
import type { ItemType } from '@keyledger/contract';
import { AuditLogTable } from '../features/audit-log/components/AuditLogTable';
import { useCan } from '../features/auth/hooks/usePermissions';
import { PERMISSION_ABILITIES } from '../features/auth/permissions';

/** The item's audit table at the bottom of its page; who may not read the audit log is told why. */
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
  if (!canRead) {
    // Say why the section is empty rather than leave it out: the history exists, it is not theirs to see.
    return (
      <Stack gap="xs" component="section" aria-labelledby={headingId}>
        <Title order={2} size="h4" id={headingId}>
          History
        </Title>
        <Text size="sm" c="dimmed">
          Hidden: you don&apos;t have permission to {PERMISSION_ABILITIES['audit_log:read']} (
          <Text span ff="monospace" size="sm">
            audit_log:read
          </Text>
          ). Ask an admin if you need it.
        </Text>
      </Stack>
    );
  }
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
