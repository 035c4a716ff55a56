import type { IntegrityReport } from '@keyledger/contract';
import { Alert, Group, Text } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { apiErrorMessage } from '../../../api/errors';
import { CheckIcon } from '../../../components/Icons';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useIntegrity } from '../hooks/useIntegrity';
import { timeAgo } from '../utils/timeAgo';

/** Re-render every 10 s so "40 s ago" stays true. */
function useNow() {
  const [now, setNow] = useState(Date.now());
  const interval = useInterval(() => setNow(Date.now()), 10_000);
  useEffect(() => {
    interval.start();
    return interval.stop;
  }, [interval]);
  return now;
}

export function integritySummary(report: IntegrityReport, now: number): string {
  const checkpoint = report.lastCheckpoint
    ? `signed checkpoint ${timeAgo(report.lastCheckpoint.at, now)}`
    : 'no signed checkpoint yet';
  const pending =
    report.unverifiedEntries > 0
      ? ` · ${report.unverifiedEntries.toLocaleString('en-US')} newer ${report.unverifiedEntries === 1 ? 'entry' : 'entries'} not verified yet`
      : '';
  // Entries still sealing for more than a moment: sealing is held back (normally none, or for milliseconds).
  const sealing =
    report.sealing?.oldestRecordedAt && now - Date.parse(report.sealing.oldestRecordedAt) > 60_000
      ? ` · ${report.sealing.entries.toLocaleString('en-US')} ${report.sealing.entries === 1 ? 'entry' : 'entries'} still sealing since ${timeAgo(report.sealing.oldestRecordedAt, now)}`
      : '';
  return `Verified through #${report.verifiedThroughSeq}${pending}${sealing} · ${checkpoint}`;
}

const DetailsLink = () => (
  <RouterAnchor to="/settings/audit-logs/integrity" size="sm">
    Integrity details
  </RouterAnchor>
);

/** Whether the audit log is intact, as the worker's verifiers recorded it (read at once, nothing re-hashed), with a link to the integrity view. */
export function IntegrityBanner() {
  const query = useIntegrity();
  const now = useNow();
  if (query.isPending) {
    return (
      <Text size="sm" c="dimmed" aria-live="polite">
        Reading the integrity status…
      </Text>
    );
  }
  if (query.isError) {
    return (
      <Alert color="yellow" title="The integrity status could not be read">
        {apiErrorMessage(query.error)}
      </Alert>
    );
  }
  const report = query.data.body;
  const badSignature = report.lastCheckpoint?.signatureValid === false;
  if (!report.ok || badSignature) {
    return (
      <Alert color="red" title="The audit log failed verification" role="alert">
        {report.firstBrokenSeq !== undefined
          ? `The first broken entry is #${report.firstBrokenSeq}`
          : 'The latest signed checkpoint does not match'}
        {report.reason ? `: ${report.reason}` : '.'} Entries up to #{report.verifiedThroughSeq} are
        verified. <DetailsLink />
      </Alert>
    );
  }
  return (
    <Group gap={6} c="teal" role="status" aria-label="Audit log integrity">
      <CheckIcon />
      <Text size="sm" c="teal.8">
        {report.checkedAt === null && report.headSeq > 0
          ? `Not verified yet: the worker is verifying ${report.headSeq.toLocaleString('en-US')} entries`
          : integritySummary(report, now)}
      </Text>
      <DetailsLink />
    </Group>
  );
}
