import type { NotificationPolicy } from '@keyledger/contract';
import { Badge, Button, Text } from '@mantine/core';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { RowActions } from '../../../components/list/RowActions';
import { useNotificationPolicies, useRemovePolicy } from '../hooks/useNotificationPolicies';
import { EVENT_LABELS } from './eventLabels';
import { NotificationPolicyFormModal } from './NotificationPolicyFormModal';

type Editing = { policy?: NotificationPolicy } | null;

/** Settings > Notification policies: who gets an email when something happens. */
export function NotificationPoliciesPage() {
  const list = useNotificationPolicies();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<NotificationPolicy | null>(null);
  const remove = useRemovePolicy(() => setRemoving(null));

  const columns: Column<NotificationPolicy>[] = [
    {
      header: 'Name',
      cell: (p) => (
        <Text fw={600} size="sm">
          {p.name}
        </Text>
      ),
    },
    { header: 'When', cell: (p) => EVENT_LABELS[p.event] },
    { header: 'Recipients', cell: (p) => p.recipients.join(', ') },
    {
      header: 'Status',
      cell: (p) => (
        <Badge variant="light" color={p.enabled ? 'green' : 'gray'}>
          {p.enabled ? 'Enabled' : 'Paused'}
        </Badge>
      ),
    },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (p) => (
        <RowActions
          name={p.name}
          onEdit={() => setEditing({ policy: p })}
          onDelete={() => setRemoving(p)}
        />
      ),
    },
  ];

  return (
    <ListPage
      title="Notification policies"
      description="Choose who gets an email when licenses, orders or devices change."
      action={<Button onClick={() => setEditing({})}>New policy</Button>}
      label="Notification policies"
      what="policies"
      columns={columns}
      rowKey={(p) => p.id}
      list={list}
      empty={<EmptyList title="No policies yet" />}
    >
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
    </ListPage>
  );
}
