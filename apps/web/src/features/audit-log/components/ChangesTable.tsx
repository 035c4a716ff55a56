import { auditFieldLabel, type FieldChange, type ItemRef } from '@keyledger/contract';
import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { itemTypeInfo } from '../../../app/itemTypes';
import { useZoneMode } from '../../../app/time';
import { usePermissions } from '../../auth/hooks/usePermissions';
import { arrayDiff, FOLD_CHARS, formatValue, linkedItem } from '../utils/formatChange';
import { ItemLink } from './ItemLink';

/** A long value folded to its first lines, with "Show all". */
export function FoldedText({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > FOLD_CHARS;
  return (
    <Stack gap={2} align="flex-start">
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {long && !open ? `${text.slice(0, FOLD_CHARS)}…` : text}
      </Text>
      {long && (
        <Button variant="subtle" size="compact-xs" onClick={() => setOpen((o) => !o)}>
          {open ? 'Show less' : `Show all (${text.length} characters)`}
        </Button>
      )}
    </Stack>
  );
}

/** An id value as the linked name of the item it points to (from the entry, else fetched). */
function ItemValue({
  field,
  value,
  links,
}: {
  field: string;
  value: string;
  links: readonly ItemRef[];
}) {
  const item = linkedItem(field, value, links)!;
  const info = itemTypeInfo(item.type);
  const { can } = usePermissions();
  const mayFetch =
    !item.label && info.fetch !== null && (!info.readPermission || can(info.readPermission));
  const fetched = useQuery({
    queryKey: ['item-label', item.type, item.id],
    queryFn: ({ signal }) => info.fetch!(item.id, signal),
    enabled: mayFetch,
    staleTime: 5 * 60_000,
  });
  const label = item.label ?? fetched.data?.label ?? null;
  return (
    <Group gap={6} wrap="nowrap" title={`${info.label} ${item.id}`}>
      <ItemLink
        item={{
          type: item.type,
          id: item.id,
          label: label ?? `${info.label} ${item.id.slice(0, 8)}…`,
        }}
        truncate={false}
      />
    </Group>
  );
}

function Value({
  field,
  value,
  links,
}: {
  field: string;
  value: unknown;
  links: readonly ItemRef[];
}) {
  const [zone] = useZoneMode();
  if (linkedItem(field, value, links))
    return <ItemValue field={field} value={value as string} links={links} />;
  return <FoldedText text={formatValue(value, Infinity, zone)} />;
}

function Chips({ items, color, sign }: { items: unknown[]; color: string; sign: string }) {
  const [zone] = useZoneMode();
  return (
    <>
      {items.map((x) => (
        <Badge
          key={JSON.stringify(x)}
          color={color}
          variant="light"
          tt="none"
          radius="sm"
          maw="100%"
        >
          {sign} {formatValue(x, Infinity, zone)}
        </Badge>
      ))}
    </>
  );
}

/** A list field: what was added and removed, the whole lists one click away. */
function ArrayChange({ change }: { change: FieldChange }) {
  const diff = arrayDiff(change.before, change.after)!;
  const [all, setAll] = useState(false);
  const [zone] = useZoneMode();
  return (
    <Stack gap={4} align="flex-start">
      {diff.added.length > 0 && (
        <Group gap={4} role="group" aria-label="Added">
          <Text size="xs" c="dimmed" w={64}>
            Added
          </Text>
          <Chips items={diff.added} color="green" sign="+" />
        </Group>
      )}
      {diff.removed.length > 0 && (
        <Group gap={4} role="group" aria-label="Removed">
          <Text size="xs" c="dimmed" w={64}>
            Removed
          </Text>
          <Chips items={diff.removed} color="red" sign="−" />
        </Group>
      )}
      {diff.added.length === 0 && diff.removed.length === 0 && (
        <Text size="sm" c="dimmed">
          Same items, reordered
        </Text>
      )}
      <Button variant="subtle" size="compact-xs" onClick={() => setAll((a) => !a)}>
        {all ? 'Hide full lists' : `Show all (${diff.kept.length} unchanged)`}
      </Button>
      {all && (
        <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
          Before: {formatValue(change.before, Infinity, zone)}
          <br />
          After: {formatValue(change.after, Infinity, zone)}
        </Text>
      )}
    </Stack>
  );
}

/** Each changed field, before and after, in words: labels, names for ids, lists as added/removed. */
export function ChangesTable({
  changes,
  links = [],
}: {
  changes: readonly FieldChange[];
  links?: readonly ItemRef[];
}) {
  if (changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No field changes were recorded for this action.
      </Text>
    );
  }
  return (
    <Table withTableBorder aria-label="Changes" layout="fixed">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w="28%">Field</Table.Th>
          <Table.Th>Before</Table.Th>
          <Table.Th>After</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {changes.map((c) => (
          <Table.Tr key={c.field}>
            <Table.Td>
              <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} title={c.field}>
                {auditFieldLabel(c.field)}
              </Text>
            </Table.Td>
            {arrayDiff(c.before, c.after) ? (
              <Table.Td colSpan={2}>
                <ArrayChange change={c} />
              </Table.Td>
            ) : (
              <>
                <Table.Td>
                  <Value field={c.field} value={c.before} links={links} />
                </Table.Td>
                <Table.Td>
                  <Value field={c.field} value={c.after} links={links} />
                </Table.Td>
              </>
            )}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
