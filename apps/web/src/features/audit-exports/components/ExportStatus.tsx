import type { AuditExport } from '@keyledger/contract';
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { formatBytes } from '../utils/formatBytes';

export function DownloadButton({ exp, size }: { exp: AuditExport; size?: 'xs' | 'sm' }) {
  const expired = exp.downloadExpiresAt !== null && dayjs(exp.downloadExpiresAt).isBefore(dayjs());
  if (!exp.downloadUrl || expired) return null;
  return (
    <Button
      component="a"
      href={exp.downloadUrl}
      download={exp.fileName ?? undefined}
      size={size}
      variant={size ? 'light' : 'filled'}
      aria-label={`Download ${exp.fileName ?? 'export'}`}
    >
      Download
    </Button>
  );
}

/** Where an export is: a progress bar while it runs, the file when done, the reason if failed. */
export function ExportStatus({ exp }: { exp: AuditExport }) {
  switch (exp.status) {
    case 'queued':
    case 'running':
      return (
        <Stack gap={6}>
          <Progress.Root size="lg">
            <Progress.Section value={exp.percent} animated aria-label="Export progress" />
          </Progress.Root>
          <Text size="sm" c="dimmed" aria-live="polite">
            {exp.status === 'queued' ? 'Waiting to start…' : `${exp.percent}%`} ·{' '}
            {exp.rowsWritten.toLocaleString()}
            {exp.rowsTotalEstimate !== null ? ` of ~${exp.rowsTotalEstimate.toLocaleString()}` : ''}{' '}
            entries written
          </Text>
        </Stack>
      );
    case 'completed':
      return (
        <Stack gap={6}>
          <Progress.Root size="lg">
            <Progress.Section value={100} color="teal" aria-label="Export progress" />
          </Progress.Root>
          <Group justify="space-between">
            <Text size="sm" aria-live="polite">
              Done: {exp.rowsWritten.toLocaleString()} entries
              {exp.sizeBytes !== null ? `, ${formatBytes(exp.sizeBytes)}` : ''}
            </Text>
            <DownloadButton exp={exp} />
          </Group>
          {exp.downloadExpiresAt && (
            <Text size="xs" c="dimmed">
              The link is valid until {dayjs(exp.downloadExpiresAt).format('YYYY-MM-DD HH:mm')}; it
              was also emailed to you.
            </Text>
          )}
        </Stack>
      );
    case 'expired':
      return (
        <Alert color="gray" title="Expired" role="status">
          The file of this export was deleted after the retention period
          {exp.expiredAt ? ` (on ${dayjs(exp.expiredAt).format('YYYY-MM-DD')})` : ''}. The audit log itself is kept:
          export it again for a new file.
        </Alert>
      );
    case 'failed':
      return (
        <Alert color="red" title="The export failed" role="alert">
          {exp.error ?? 'Try again, or narrow the filters.'}
        </Alert>
      );
  }
}
