import type { AuditEntry } from '@keyledger/contract';
import {
  ActionIcon,
  CopyButton,
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
import { actorName } from './ActorLabel';
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

/** The whole entry: what changed, who did it, to what, and the request it came from. */
export function AuditEntryDrawer({
  entry,
  onClose,
}: {
  entry: AuditEntry | null;
  onClose: () => void;
}) {
  const related = entry?.links.filter((l) => itemRefKey(l) !== itemRefKey(entry.target)) ?? [];
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={entry ? <ActionBadge action={entry.action} /> : null}
      closeButtonProps={{ 'aria-label': 'Close entry details' }}
    >
      {entry && (
        <Stack gap="lg">
          <Text size="sm" c="dimmed">
            <EntryTime iso={entry.occurredAt} span inherit /> · local time ·{' '}
            {new Date(entry.occurredAt).toISOString()} UTC
          </Text>
          <Section title="Changes">
            <ChangesTable changes={entry.changes} />
          </Section>
          <Section title="Who">
            <Facts
              label="Actor"
              rows={[
                ['Name', actorName(entry.actor)],
                ['Email', entry.actor.email],
                ['Type', entry.actor.type],
                ['Id', entry.actor.id],
              ]}
            />
          </Section>
          <Section title="Item">
            <Facts
              label="Item"
              rows={[
                ['Item', <ItemLink key="target" item={entry.target} />],
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
                ['Source', entry.context.source],
                ['Seq', entry.seq],
                ['Entry id', entry.id],
              ]}
            />
          </Section>
          <Section title="Integrity">
            <Facts
              label="Integrity"
              rows={[
                ['Hash', <Hash key="hash" value={entry.hash} />],
                ['Previous hash', <Hash key="prev" value={entry.prevHash} />],
              ]}
            />
          </Section>
        </Stack>
      )}
    </Drawer>
  );
}
