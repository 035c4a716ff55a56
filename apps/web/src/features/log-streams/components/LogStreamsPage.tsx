import type { LogStream, LogStreamStatus } from '@keyledger/contract';
import { Badge, Button, Group, Menu, Modal, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import {
  useDeleteLogStream,
  useLogStreamHealth,
  useLogStreams,
  usePauseLogStream,
  useResumeLogStream,
  useTestLogStream,
} from '../hooks/useLogStreams';
import { BackfillModal, DESTINATION_TYPE_LABELS, LogStreamFormModal } from './LogStreamFormModal';

const formatDate = (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss');

const STATUS_COLOR: Record<LogStreamStatus, string> = {
  active: 'green',
  paused: 'gray',
  failing: 'red',
};

function StatusBadge({ status }: { status: LogStreamStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light">
      {status[0]!.toUpperCase() + status.slice(1)}
    </Badge>
  );
}

/** Delivered-through, lag and the last error, refreshed while the page is open. */
function HealthSummary({ stream }: { stream: LogStream }) {
  const health = useLogStreamHealth(stream.id);
  const h = health.data?.status === 200 ? health.data.body : null;
  if (!h) return <Text size="sm">Through #{stream.deliveredThroughSeq}</Text>;
  return (
    <>
      <Text size="sm">
        Through #{h.deliveredThroughSeq} of #{h.headSeq}
        {h.lagEntries > 0 && ` · ${h.lagEntries} behind (${Math.round(h.lagSeconds)} s)`}
      </Text>
      {h.lastError && (
        <Text size="xs" c="red.8" lineClamp={2} title={h.lastError.message}>
          Last error {formatDate(h.lastError.at)}: {h.lastError.message}
        </Text>
      )}
    </>
  );
}

function HealthModal({ stream, onClose }: { stream: LogStream | null; onClose: () => void }) {
  const health = useLogStreamHealth(stream?.id ?? '', stream !== null);
  const h = health.data?.status === 200 ? health.data.body : null;
  return (
    <Modal
      opened={stream !== null}
      onClose={onClose}
      title={`Health of ${stream?.name ?? ''}`}
      size="xl"
      centered
    >
      {h && (
        <Stack>
          <Text size="sm">
            <StatusBadge status={h.status} /> Delivered through #{h.deliveredThroughSeq} of #
            {h.headSeq}; {h.lagEntries} entries ({Math.round(h.lagSeconds)} s) behind. Last success:{' '}
            {h.lastSuccessAt ? formatDate(h.lastSuccessAt) : 'never'}.
          </Text>
          {h.lastError && (
            <Text size="sm" c="red.8">
              Last error ({formatDate(h.lastError.at)}): {h.lastError.message}
            </Text>
          )}
          <Table aria-label="Delivery attempts" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>At</Table.Th>
                <Table.Th>Entries</Table.Th>
                <Table.Th>Answer</Table.Th>
                <Table.Th>Time</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {h.attempts.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>{formatDate(a.at)}</Table.Td>
                  <Table.Td>
                    #{a.firstSeq}–#{a.lastSeq} ({a.entries})
                  </Table.Td>
                  <Table.Td c={a.ok ? undefined : 'red.8'}>
                    {a.ok ? `HTTP ${a.statusCode}` : a.error}
                  </Table.Td>
                  <Table.Td>{a.durationMs} ms</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
    </Modal>
  );
}

interface RowHandlers {
  edit: (s: LogStream) => void;
  backfill: (s: LogStream) => void;
  health: (s: LogStream) => void;
}

function RowActions({ stream, on }: { stream: LogStream; on: RowHandlers }) {
  const pause = usePauseLogStream();
  const resume = useResumeLogStream();
  const test = useTestLogStream();
  const remove = useDeleteLogStream();
  const params = { params: { id: stream.id } };
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {stream.status === 'paused' ? (
        <Button
          size="compact-sm"
          variant="subtle"
          loading={resume.isPending}
          onClick={() => resume.mutate(params)}
          aria-label={`Resume ${stream.name}`}
        >
          Resume
        </Button>
      ) : (
        <Button
          size="compact-sm"
          variant="subtle"
          loading={pause.isPending}
          onClick={() => pause.mutate(params)}
          aria-label={`Pause ${stream.name}`}
        >
          Pause
        </Button>
      )}
      <Menu position="bottom-end">
        <Menu.Target>
          <Button size="compact-sm" variant="subtle" aria-label={`More actions for ${stream.name}`}>
            More
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item onClick={() => on.health(stream)}>Health and attempts</Menu.Item>
          <Menu.Item onClick={() => on.edit(stream)}>Edit</Menu.Item>
          <Menu.Item onClick={() => test.mutate(params)}>Send test event</Menu.Item>
          <Menu.Item onClick={() => on.backfill(stream)}>Backfill…</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ConfirmButton
        label="Delete"
        aria-label={`Delete ${stream.name}`}
        size="compact-sm"
        variant="subtle"
        color="red"
        title="Delete this log stream?"
        confirmLabel="Delete stream"
        loading={remove.isPending}
        onConfirm={(close) => remove.mutate(params, { onSettled: close })}
      >
        “{stream.name}” stops delivering and its secret is deleted. The audit log keeps every entry.
      </ConfirmButton>
    </Group>
  );
}

/** Where a stream sends: its URL, Datadog site or S3 bucket. */
function destinationWhere(d: LogStream['destination']): string {
  switch (d.type) {
    case 'webhook':
    case 'splunk_hec':
      return d.url;
    case 'datadog':
      return `http-intake.logs.${d.site}${d.service ? ` · ${d.service}` : ''}`;
    case 's3':
      return `s3://${d.bucket}${d.prefix ? `/${d.prefix}` : ''}${d.endpoint ? ` at ${d.endpoint}` : ''}`;
  }
}

function columns(on: RowHandlers): Column<LogStream>[] {
  return [
    {
      header: 'Name',
      cell: (s) => (
        <>
          <Text size="sm" fw={600}>
            {s.name}
          </Text>
          <Text size="xs" c="dimmed">
            {DESTINATION_TYPE_LABELS[s.destination.type]}
          </Text>
          <Text size="xs" c="dimmed" ff="monospace">
            {destinationWhere(s.destination)}
          </Text>
        </>
      ),
    },
    { header: 'Filter', maw: 240, cell: (s) => <Text size="sm">{s.filterInWords}</Text> },
    { header: 'Status', cell: (s) => <StatusBadge status={s.status} /> },
    { header: 'Delivery', maw: 320, cell: (s) => <HealthSummary stream={s} /> },
    {
      header: 'Created',
      cell: (s) => (
        <>
          <Text size="sm">{dayjs(s.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
          <Text size="xs" c="dimmed">
            by {s.createdBy.name}
          </Text>
        </>
      ),
    },
    {
      header: 'Actions',
      hiddenHeader: true,
      ta: 'right',
      cell: (s) => <RowActions stream={s} on={on} />,
    },
  ];
}

/** Settings > Log streams: the audit log delivered, as it is written, to the security team's HTTPS endpoint. */
export function LogStreamsPage() {
  const list = useLogStreams();
  const [creating, { open, close }] = useDisclosure(false);
  const [editing, setEditing] = useState<LogStream | null>(null);
  const [backfilling, setBackfilling] = useState<LogStream | null>(null);
  const [inspecting, setInspecting] = useState<LogStream | null>(null);
  const on: RowHandlers = { edit: setEditing, backfill: setBackfilling, health: setInspecting };

  return (
    <ListPage
      title="Log streams"
      description="Deliver the audit log, as it is written, to your SIEM or collector over HTTPS: in order, at least once, signed per Standard Webhooks, each batch carrying the hashes and signed checkpoint that let the receiver prove nothing is missing or altered."
      action={<Button onClick={open}>Create log stream</Button>}
      label="Log streams"
      what="log streams"
      columns={columns(on)}
      rowKey={(s) => s.id}
      list={list}
      minWidth={960}
      empty={
        <EmptyList title="No log streams yet">
          <Button variant="light" onClick={open}>
            Create your first log stream
          </Button>
        </EmptyList>
      }
    >
      <LogStreamFormModal opened={creating} onClose={close} />
      <LogStreamFormModal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        stream={editing ?? undefined}
      />
      <BackfillModal stream={backfilling} onClose={() => setBackfilling(null)} />
      <HealthModal stream={inspecting} onClose={() => setInspecting(null)} />
    </ListPage>
  );
}
