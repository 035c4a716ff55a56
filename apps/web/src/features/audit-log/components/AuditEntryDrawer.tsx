import type { AuditEntry } from '@keyledger/contract';
import {
  ActionIcon,
  Alert,
  Button,
  CopyButton,
  Loader,
  Drawer,
  Group,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { CheckIcon, CopyIcon } from '../../../components/Icons';
import { itemRefKey, itemTypeLabel } from '../../../app/itemTypes';
import { ActionBadge } from './ActionBadge';
import { ACTOR_TYPE_LABELS, actorName } from './ActorLabel';
import { entryUrl } from '../hooks/useAuditEntry';
import { useZoneMode, zoneName } from '../../../app/time';
import { ChangesTable } from './ChangesTable';
import { EntryTime } from './EntryTime';
import { ItemLink } from './ItemLink';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section">
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

function Facts({ label, rows }: { label: string; rows: [string, ReactNode][] }) {
  return (
    <Table variant="vertical" layout="fixed" withTableBorder aria-label={label}>
      <Table.Tbody>
        {rows.map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Th w={120}>{name}</Table.Th>
            <Table.Td style={{ wordBreak: 'break-word' }}>{value ?? '—'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RequestId({ id }: { id: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {id}
      </Text>
      <CopyButton value={id}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? 'Copied' : 'Copy request id'} withArrow>
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={copy}
              aria-label={copied ? 'Copied' : 'Copy request id'}
            >
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}

function Hash({ value }: { value: string }) {
  return (
    <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
      {value}
    </Text>
  );
}

const SOURCE_LABELS: Record<AuditEntry['context']['source'], string> = {
  ui: 'Web app',
  api: 'API',
  system: 'System',
};

function CopyLink({ id }: { id: string }) {
  return (
    <CopyButton value={entryUrl(id)}>
      {({ copied, copy }) => (
        <Button
          variant="default"
          size="xs"
          onClick={copy}
          leftSection={copied ? <CheckIcon /> : <CopyIcon />}
        >
          {copied ? 'Link copied' : 'Copy link'}
        </Button>
      )}
    </CopyButton>
  );
}

export interface EntryPosition {
  index: number;
  loaded: number;
  more: boolean;
}

/**
 * The whole entry: what changed, who did it, to what, and the request it came from. It has its own
 * URL (copy link), and steps to the newer or older entry of the list it was opened from.
 */
export function AuditEntryDrawer({
  opened: openedProp,
  entry,
  notFound = false,
  onClose,
  onPrevious = null,
  onNext = null,
  position = null,
}: {
  /** Open while an entry is being fetched too; by default, while there is an entry. */
  opened?: boolean;
  entry: AuditEntry | null;
  notFound?: boolean;
  onClose: () => void;
  onPrevious?: (() => void) | null;
  onNext?: (() => void) | null;
  position?: EntryPosition | null;
}) {
  const opened = openedProp ?? entry !== null;
  // At either end of the log (or outside the loaded list), say so instead of a dead button.
  const edge = !position
    ? 'Opened from its link: it is not among the entries loaded in the list'
    : [
        !onPrevious && position.index === 0 ? 'Nothing newer: this is the newest entry' : null,
        !onNext && !position.more && position.index === position.loaded - 1
          ? 'Nothing older: this is the oldest entry'
          : null,
      ]
        .filter(Boolean)
        .join(' · ');
  const related = entry?.links.filter((l) => itemRefKey(l) !== itemRefKey(entry.target)) ?? [];
  const [zone] = useZoneMode();
  return (
    <Drawer
      opened={opened}
      onClose={onClose}
      position="right"
      size="lg"
      title={entry ? <ActionBadge action={entry.action} /> : 'Audit entry'}
      closeButtonProps={{ 'aria-label': 'Close entry details' }}
    >
      {notFound && (
        <Alert color="yellow" role="status">
          This entry is not in this account&apos;s audit log (the link may be for another account).
        </Alert>
      )}
      {opened && !entry && !notFound && <Loader size="sm" aria-label="Loading the entry" />}
      {entry && (
        <Stack gap="lg">
          <Group justify="space-between" gap="xs">
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                onClick={onPrevious ?? undefined}
                disabled={!onPrevious}
                title={onPrevious ? undefined : 'Nothing newer in the list'}
              >
                ← Newer
              </Button>
              <Button
                variant="default"
                size="xs"
                onClick={onNext ?? undefined}
                disabled={!onNext}
                title={onNext ? undefined : 'Nothing older in the list'}
              >
                Older →
              </Button>
              {position && (
                <Text size="xs" c="dimmed">
                  {position.index + 1} of {position.loaded}
                  {position.more ? '+' : ''}
                </Text>
              )}
            </Group>
            <CopyLink id={entry.id} />
          </Group>
          {edge && (
            <Text size="xs" c="dimmed" role="status">
              {edge}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            <EntryTime iso={entry.occurredAt} span inherit /> ·{' '}
            {zoneName(zone, new Date(entry.occurredAt))}
          </Text>
          <Section title="Changes">
            <ChangesTable changes={entry.changes} links={entry.links} />
          </Section>
          <Section title="Who">
            <Facts
              label="Actor"
              rows={[
                ['Name', actorName(entry.actor)],
                ['Email', entry.actor.email],
                ['Type', ACTOR_TYPE_LABELS[entry.actor.type]],
                ['Id', entry.actor.id],
              ]}
            />
          </Section>
          <Section title="Item">
            <Facts
              label="Item"
              rows={[
                ['Item', <ItemLink key="target" item={entry.target} truncate={false} />],
                ['Type', itemTypeLabel(entry.target.type)],
                ['Id', entry.target.id],
              ]}
            />
            {related.length > 0 && (
              <Stack gap={4}>
                <Text size="sm" fw={600}>
                  Related items
                </Text>
                {related.map((l) => (
                  <Group key={itemRefKey(l)} gap={6} wrap="nowrap">
                    <Text size="xs" c="dimmed">
                      {itemTypeLabel(l.type)}
                    </Text>
                    <ItemLink item={l} />
                  </Group>
                ))}
              </Stack>
            )}
          </Section>
          <Section title="Request">
            <Facts
              label="Request"
              rows={[
                [
                  'Request id',
                  entry.context.requestId ? <RequestId id={entry.context.requestId} /> : null,
                ],
                ['IP address', entry.context.ip],
                ['User agent', entry.context.userAgent],
                ['Source', SOURCE_LABELS[entry.context.source]],
                ['Seq', entry.seq ?? 'Sealing…'],
                ['Entry id', entry.id],
              ]}
            />
          </Section>
          <Section title="Integrity">
            <Facts
              label="Integrity"
              rows={[
                // An entry still sealing has no place in the chain yet (a moment after its commit).
                ['Hash', entry.hash === null ? 'Sealing…' : <Hash key="hash" value={entry.hash} />],
                ['Previous hash', entry.prevHash === null ? 'Sealing…' : <Hash key="prev" value={entry.prevHash} />],
              ]}
            />
          </Section>
        </Stack>
      )}
    </Drawer>
  );
}
