import type { AuditExport } from '@keyledger/contract';
import { Badge, Center, Loader, Stack, Table, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
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
    exp.status === 'running' ? `Running ${exp.percent}%` : exp.status[0]!.toUpperCase() + exp.status.slice(1);
  return (
    <Badge
      color={STATUS_COLORS[exp.status]}
      variant="light"
      title={exp.status === 'expired' ? 'The file was deleted after the retention period; export again for a new one' : exp.error}
    >
      {label}
    </Badge>
  );
}

/** Settings > Audit logs > Exports: past exports and their files while the links are valid. */
export function AuditExportsPage() {
  const query = useAuditExports();
  return (
    <Stack>
      <RouterAnchor to="/settings/audit-logs" size="sm">
        ← Audit logs
      </RouterAnchor>
      <div>
        <Title order={1} size="h2">
          Exports
        </Title>
        <Text c="dimmed" size="sm">
          Audit log exports of this account. Download links expire, and files are deleted after the retention
          period (shown as expired); start a new export after that. The audit log itself is kept.
        </Text>
      </div>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading exports" />
        </Center>
      ) : query.isError ? (
        <ListError what="exports" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.exports.length === 0 ? (
        <Text c="dimmed">No exports yet. Use “Export” on the audit log to make one.</Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table aria-label="Exports" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Requested</Table.Th>
                <Table.Th>Entries</Table.Th>
                <Table.Th>Format</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Rows</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>File</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.exports.map((e) => (
                <Table.Tr key={e.id}>
                  <Table.Td>
                    <Text size="sm">{dayjs(e.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
                    <Text size="xs" c="dimmed">
                      {e.requestedBy.name}
                    </Text>
                  </Table.Td>
                  <Table.Td maw={280}>
                    <Text size="sm">{e.filterDescription}</Text>
                  </Table.Td>
                  <Table.Td>{e.format.toUpperCase()}</Table.Td>
                  <Table.Td>
                    <StatusBadge exp={e} />
                  </Table.Td>
                  <Table.Td>{e.rowsWritten.toLocaleString()}</Table.Td>
                  <Table.Td>{e.sizeBytes !== null ? formatBytes(e.sizeBytes) : '—'}</Table.Td>
                  <Table.Td>
                    {e.downloadUrl ? (
                      <DownloadButton exp={e} size="xs" />
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
    </Stack>
  );
}
