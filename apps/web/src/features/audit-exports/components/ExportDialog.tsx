import { AUDIT_EXPORT_FORMATS, type AuditExportFormat } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { apiErrorMessage } from '../../../api/errors';
import { RouterAnchor } from '../../../components/RouterLinks';
import type { AuditLogListFilter } from '../../audit-log/utils/auditLogSearch';
import { createExportBody, useCreateExport } from '../hooks/useAuditExports';
import { ExportProgress } from './ExportProgress';

const FORMAT_LABELS: Record<AuditExportFormat, string> = {
  csv: 'CSV (spreadsheets)',
  ndjson: 'NDJSON (one JSON entry per line)',
};

export interface ExportDialogProps {
  opened: boolean;
  onClose: () => void;
  filter: AuditLogListFilter;
  /** The filter in words. */
  description: string;
}

function ExportForm({ filter, description, onClose }: Omit<ExportDialogProps, 'opened'>) {
  const [format, setFormat] = useState<AuditExportFormat>('csv');
  const create = useCreateExport();
  const id = create.data?.body.id;

  if (id) {
    return (
      <Stack>
        <ExportProgress id={id} />
        <Group justify="space-between">
          <RouterAnchor to="/settings/audit-logs/exports" size="sm" onClick={onClose}>
            All exports
          </RouterAnchor>
          <Button variant="default" onClick={onClose}>
            Close
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ body: createExportBody(format, filter) });
      }}
    >
      <Stack>
        {create.isError && (
          <Alert color="red" role="alert">
            {apiErrorMessage(create.error)}
          </Alert>
        )}
        <Radio.Group label="Format" value={format} onChange={(v) => setFormat(v as AuditExportFormat)}>
          <Stack gap="xs" mt="xs">
            {AUDIT_EXPORT_FORMATS.map((f) => (
              <Radio key={f} value={f} label={FORMAT_LABELS[f]} />
            ))}
          </Stack>
        </Radio.Group>
        <div>
          <Text size="sm" fw={500}>
            Entries
          </Text>
          <Text size="sm" c="dimmed">
            {description}, oldest first.
          </Text>
        </div>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Start export
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Choose a format, see what will be exported, start it and follow it to the download. */
export function ExportDialog({ opened, ...props }: ExportDialogProps) {
  return (
    <Modal opened={opened} onClose={props.onClose} title="Export audit log" centered>
      {opened && <ExportForm {...props} />}
    </Modal>
  );
}
