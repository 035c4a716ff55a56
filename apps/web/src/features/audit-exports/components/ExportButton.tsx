import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import type { AuditLogListFilter } from '../../audit-log/utils/auditLogSearch';
import { useCan } from '../../auth/hooks/usePermissions';

const ExportDialog = lazy(() =>
  import('./ExportDialog').then((m) => ({ default: m.ExportDialog })),
);

/** Opens the export dialog (loaded on first use) for these filters; only for who may export. */
export function ExportButton({
  filter,
  description,
}: {
  filter: AuditLogListFilter;
  description: string;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const canExport = useCan('audit_log:export');
  if (!canExport) return null;
  return (
    <>
      <Button variant="default" size="xs" onClick={open}>
        Export
      </Button>
      {opened && (
        <Suspense fallback={null}>
          <ExportDialog opened={opened} onClose={close} filter={filter} description={description} />
        </Suspense>
      )}
    </>
  );
}
