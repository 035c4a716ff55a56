import type { AuditExport } from '@keyledger/contract';
import { Badge, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useAuditExports } from '../hooks/useAuditExports';
import { formatBytes } from '../utils/formatBytes';
import { DownloadButton } from './ExportStatus';

const STATUS_COLORS: Record<AuditExport['status'], string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'teal',
  failed: 'red',
  expired: 'gray',
};

function StatusBadge({ exp }: { exp: AuditExport }) {
  const label =
    exp.status === 'running'
      ? `Running ${exp.percent}%`
      : exp.status[0]!.toUpperCase() + exp.status.slice(1);
  return (
    <Badge
      color={STATUS_COLORS[exp.status]}
      variant="light"
      title={
        exp.status === 'expired'
          ? 'The file was deleted after the retention period; export again for a new one'
          : exp.error
      }
    >
      {label}
    </Badge>
  );
}

const COLUMNS: Column<AuditExport>[] = [
  {
    header: 'Requested',
    cell: (e) => (
      <>
        <Text size="sm">{dayjs(e.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
        <Text size="xs" c="dimmed">
          {e.requestedBy.name}
        </Text>
      </>
    ),
  },
  { header: 'Entries', maw: 280, cell: (e) => <Text size="sm">{e.filterDescription}</Text> },
  { header: 'Format', cell: (e) => e.format.toUpperCase() },
  { header: 'Status', cell: (e) => <StatusBadge exp={e} /> },
  { header: 'Rows', cell: (e) => e.rowsWritten.toLocaleString() },
  { header: 'Size', cell: (e) => (e.sizeBytes !== null ? formatBytes(e.sizeBytes) : '—') },
  {
    header: 'File',
    cell: (e) =>
      e.downloadUrl ? (
        <DownloadButton exp={e} size="xs" />
      ) : (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ),
  },
];

/** Settings > Audit logs > Exports: past exports and their files while the links are valid. */
export function AuditExportsPage() {
  const list = useAuditExports();
  return (
    <ListPage
      back={
        <RouterAnchor to="/settings/audit-logs" size="sm">
          ← Audit logs
        </RouterAnchor>
      }
      title="Exports"
      description="Audit log exports of this account. Download links expire, and files are deleted after the retention period (shown as expired); start a new export after that. The audit log itself is kept."
      label="Exports"
      what="exports"
      columns={COLUMNS}
      rowKey={(e) => e.id}
      list={list}
      minWidth={760}
      empty={
        <EmptyList title="No exports yet">Use “Export” on the audit log to make one.</EmptyList>
      }
    />
  );
}
