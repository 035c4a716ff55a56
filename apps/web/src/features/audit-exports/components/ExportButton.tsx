import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { lazy, Suspense } from 'react';
import type { AuditLogListFilter } from '../../audit-log/utils/auditLogSearch';

const ExportDialog = lazy(() =>
  import('./ExportDialog').then((m) => ({ default: m.ExportDialog })),
);

/** Opens the export dialog (loaded on first use) for these filters. */
export function ExportButton({
  filter,
  description,
}: {
  filter: AuditLogListFilter;
  description: string;
}) {
  const [opened, { open, close }] = useDisclosure(false);
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
