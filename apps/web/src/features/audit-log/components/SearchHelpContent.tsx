import { Code, Stack, Table, Text } from '@mantine/core';

const EXAMPLES: [string, string][] = [
  ['action:license_*', 'actions by name; * matches any part, commas for several'],
  ['group:licenses', 'every action of a group'],
  ['group:access_security', 'sign-ins, passwords, API keys, exports, refusals'],
  ['actor:ann@acme.test', 'done by this user (email, name from the list, or user id)'],
  ['item:license', 'done to any license'],
  ['item:license:<id>', 'done to one license'],
  ['created:>=2026-01-01', 'on or after a date (also >, <, <=, =)'],
  ['refund "two words"', 'free text; quote phrases'],
  ['K7QM-2XHR-PN4D-WC9T', 'a full license key: matched by its masked form ****-****-****-WC9T'],
];

/** What the search help shows (SearchHelp loads it when it is first opened). */
export default function SearchHelpContent() {
  return (
    <Stack gap="xs">
      <Text size="sm" fw={600}>
        Search syntax
      </Text>
      <Text size="xs">
        Conditions are separated by spaces and must all match, except actions and groups: several of
        them mean any of them (as in the Actions list). Words without a key search the entry&apos;s
        text. Days are in the zone the table shows (Local or UTC).
      </Text>
      <Table withRowBorders={false} verticalSpacing={2} fz="xs">
        <Table.Tbody>
          {EXAMPLES.map(([example, meaning]) => (
            <Table.Tr key={example}>
              <Table.Td>
                <Code>{example}</Code>
              </Table.Td>
              <Table.Td>{meaning}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        Press Enter to search. Example:{' '}
        <Code>action:license_* actor:ann@acme.test created:&gt;=2026-01-01</Code>
      </Text>
    </Stack>
  );
}
