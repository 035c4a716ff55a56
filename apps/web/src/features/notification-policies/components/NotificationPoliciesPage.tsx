import type { NotificationPolicy } from '@keyledger/contract';
import { Badge, Button, Center, Group, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useNotificationPolicies, useRemovePolicy } from '../hooks/useNotificationPolicies';
import { EVENT_LABELS } from './eventLabels';
import { NotificationPolicyFormModal } from './NotificationPolicyFormModal';

type Editing = { policy?: NotificationPolicy } | null;

/** Settings > Notification policies: who gets an email when something happens. */
export function NotificationPoliciesPage() {
  const query = useNotificationPolicies();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<NotificationPolicy | null>(null);
  const remove = useRemovePolicy(() => setRemoving(null));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Notification policies
          </Title>
          <Text c="dimmed" size="sm">
            Choose who gets an email when licenses, orders or devices change.
          </Text>
        </div>
        <Button onClick={() => setEditing({})}>New policy</Button>
      </Group>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading policies" />
        </Center>
      ) : query.isError ? (
        <ListError what="policies" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.policies.length === 0 ? (
        <Text c="dimmed">No policies yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Notification policies" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>When</Table.Th>
                <Table.Th>Recipients</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.policies.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td fw={600}>{p.name}</Table.Td>
                  <Table.Td>{EVENT_LABELS[p.event]}</Table.Td>
                  <Table.Td>{p.recipients.join(', ')}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={p.enabled ? 'green' : 'gray'}>
                      {p.enabled ? 'Enabled' : 'Paused'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Button size="compact-sm" variant="subtle" aria-label={`Edit ${p.name}`} onClick={() => setEditing({ policy: p })}>
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${p.name}`} onClick={() => setRemoving(p)}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
      <NotificationPolicyFormModal
        opened={editing !== null}
        policy={editing?.policy}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Delete this policy?"
        confirmLabel="Delete policy"
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate({ params: { id: removing.id } })}
      >
        “{removing?.name}” will be deleted; its recipients will no longer be emailed.
      </ConfirmModal>
    </Stack>
  );
}
