import type { IntegrityReport, IntegrityVerification } from '@keyledger/contract';
import { Alert, Badge, Button, Card, Center, Code, Group, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { apiErrorMessage } from '../../../api/errors';
import { ListError } from '../../../components/DetailStates';
import { RouterAnchor } from '../../../components/RouterLinks';
import {
  isActive,
  useCheckpoints,
  useIntegrityStatus,
  useRequestVerification,
  useVerifications,
} from '../hooks/useIntegrityStatus';

const fmt = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—');
const n = (v: number) => v.toLocaleString('en-US');

const STATUS_COLORS: Record<IntegrityVerification['status'], string> = {
  queued: 'gray',
  running: 'blue',
  completed: 'teal',
  failed: 'orange',
};

export function verificationOutcome(v: IntegrityVerification): string {
  switch (v.status) {
    case 'queued':
      return 'Queued';
    case 'running':
      return `Running · ${n(v.entriesChecked)} of ${v.headSeq === null ? '…' : n(v.headSeq)} entries`;
    case 'failed':
      return `Could not run: ${v.error ?? 'unknown error'}`;
    case 'completed':
      return v.ok
        ? `Intact · ${n(v.entriesChecked)} entries${v.entriesPerSecond ? ` at ${n(v.entriesPerSecond)}/s` : ''}`
        : `Broken at entry #${v.firstBrokenSeq}: ${v.reason ?? ''}`;
  }
}

function StatusSummary({ report }: { report: IntegrityReport }) {
  if (!report.ok) {
    return (
      <Alert color="red" title="The audit log failed verification" role="alert">
        The first broken entry is #{report.firstBrokenSeq}
        {report.reason ? `: ${report.reason}` : '.'} Found {fmt(report.brokenAt)} by the{' '}
        {report.brokenBy === 'full' ? 'full verification' : 'incremental verification'}. Entries up to #
        {report.verifiedThroughSeq} are verified.
      </Alert>
    );
  }
  return (
    <Card withBorder>
      <Stack gap={4}>
        <Text fw={600}>
          Verified through entry #{n(report.verifiedThroughSeq)} of #{n(report.headSeq)}
        </Text>
        <Text size="sm" c="dimmed">
          {report.unverifiedEntries > 0
            ? `${n(report.unverifiedEntries)} newer entries are not verified yet: the worker verifies them within seconds.`
            : 'Every sealed entry is verified.'}{' '}
          Last checked {fmt(report.checkedAt)}.
        </Text>
        {report.sealing.entries > 0 && (
          <Text size="sm" c="dimmed">
            {n(report.sealing.entries)} {report.sealing.entries === 1 ? 'entry is' : 'entries are'} committed and still sealing
            (being added to the chain){report.sealing.oldestRecordedAt ? `, the oldest recorded ${fmt(report.sealing.oldestRecordedAt)}` : ''}.
          </Text>
        )}
        <Text size="sm" c="dimmed">
          Hash at #{n(report.verifiedThroughSeq)}: <Code>{report.verifiedThroughHash.slice(0, 16)}…</Code>
        </Text>
        <Text size="sm" c="dimmed">
          {report.lastCheckpoint
            ? `Checked against the checkpoint signed ${fmt(report.lastCheckpoint.at)} at entry #${n(report.lastCheckpoint.seq)} (key ${report.lastCheckpoint.keyId}, signature ${report.lastCheckpoint.signatureValid ? 'valid' : 'INVALID'}).`
            : 'No signed checkpoint checked yet.'}
        </Text>
      </Stack>
    </Card>
  );
}

function LastFullVerification({ v }: { v: IntegrityVerification | null }) {
  if (!v) return <Text c="dimmed">No full verification yet. “Verify now” re-checks every entry from the first.</Text>;
  return (
    <Stack gap={6} aria-label="Last full verification">
      <Group gap="sm">
        <Badge color={v.status === 'completed' && v.ok === false ? 'red' : STATUS_COLORS[v.status]} variant="light">
          {v.status === 'completed' ? (v.ok ? 'Intact' : 'Broken') : v.status}
        </Badge>
        <Text size="sm">{verificationOutcome(v)}</Text>
      </Group>
      {isActive(v) && (
        <Progress value={Math.round(v.progress * 100)} aria-label="Verification progress" animated striped />
      )}
      <Text size="xs" c="dimmed">
        Requested {fmt(v.requestedAt)} by {v.trigger === 'schedule' ? 'the schedule' : v.requestedBy.name}
        {v.finishedAt ? ` · finished ${fmt(v.finishedAt)}` : ''}
        {v.threads ? ` · ${v.threads} thread${v.threads === 1 ? '' : 's'}` : ''}
      </Text>
    </Stack>
  );
}

/** Settings > Audit logs > Integrity: the stored status, the last full verification and its progress, "verify now", checkpoints. */
export function IntegrityPage() {
  const status = useIntegrityStatus();
  const verify = useRequestVerification();
  const verifications = useVerifications();
  const checkpoints = useCheckpoints();
  const report = status.data?.body;
  const running = isActive(report?.lastFullVerification);

  return (
    <Stack>
      <RouterAnchor to="/settings/audit-logs" size="sm">
        ← Audit logs
      </RouterAnchor>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Integrity
          </Title>
          <Text c="dimmed" size="sm">
            Every entry is chained to the one before it by a hash, and the chain head is signed regularly. The worker
            verifies new entries as they are sealed; a full verification re-checks the whole chain.
          </Text>
        </div>
        <Button onClick={() => verify.mutate({})} loading={verify.isPending} disabled={running}>
          {running ? 'Verifying…' : 'Verify now'}
        </Button>
      </Group>
      {verify.isError && (
        <Alert color="yellow" title="Could not start a verification">
          {apiErrorMessage(verify.error)}
        </Alert>
      )}
      {status.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading the integrity status" />
        </Center>
      ) : status.isError ? (
        <ListError what="the integrity status" error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <>
          <StatusSummary report={report!} />
          <Title order={2} size="h4">
            Last full verification
          </Title>
          <LastFullVerification v={report!.lastFullVerification} />
        </>
      )}

      <Title order={2} size="h4">
        Past full verifications
      </Title>
      {verifications.isSuccess && verifications.data.body.items.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Full verifications">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Requested</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Result</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {verifications.data.body.items.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>{fmt(v.requestedAt)}</Table.Td>
                  <Table.Td>{v.trigger === 'schedule' ? 'Schedule' : v.requestedBy.name}</Table.Td>
                  <Table.Td>{verificationOutcome(v)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed" size="sm">
          None yet.
        </Text>
      )}

      <Title order={2} size="h4">
        Signed checkpoints
      </Title>
      {checkpoints.isSuccess && checkpoints.data.body.items.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Signed checkpoints">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Signed</Table.Th>
                <Table.Th>Entry</Table.Th>
                <Table.Th>Hash</Table.Th>
                <Table.Th>Key</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {checkpoints.data.body.items.map((c) => (
                <Table.Tr key={c.seq}>
                  <Table.Td>{fmt(c.at)}</Table.Td>
                  <Table.Td>#{n(c.seq)}</Table.Td>
                  <Table.Td>
                    <Code>{c.hash.slice(0, 16)}…</Code>
                  </Table.Td>
                  <Table.Td>{c.keyId}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text c="dimmed" size="sm">
          No checkpoints yet: the worker signs the chain head regularly while entries arrive.
        </Text>
      )}
    </Stack>
  );
}
