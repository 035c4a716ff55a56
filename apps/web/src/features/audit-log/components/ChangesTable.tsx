import type { FieldChange } from '@keyledger/contract';
import { Code, Table, Text } from '@mantine/core';
import { formatValue } from '../utils/formatChange';

/** Each changed field, before and after. */
export function ChangesTable({ changes }: { changes: readonly FieldChange[] }) {
  if (changes.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No field changes were recorded for this action.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={320}>
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
                <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
                  {c.field}
                </Text>
              </Table.Td>
              <Table.Td>
                <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {formatValue(c.before)}
                </Code>
              </Table.Td>
              <Table.Td>
                <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                  {formatValue(c.after)}
                </Code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
