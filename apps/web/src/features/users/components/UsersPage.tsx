import type { PlatformUser } from '@keyledger/contract';
import { Badge, Button, Group, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { useSession } from '../../auth/hooks/useSession';
import { usePlatformUsers, useRemoveUser } from '../hooks/usePlatformUsers';
import { UserFormModal } from './UserFormModal';

type Editing = { mode: 'add' } | { mode: 'edit'; user: PlatformUser } | null;

/** Settings > Users: the people who can sign in to this account. */
export function UsersPage() {
  const session = useSession();
  const callerIsAdmin = session?.user.isAdmin ?? false;
  const list = usePlatformUsers();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<PlatformUser | null>(null);
  const remove = useRemoveUser(() => setRemoving(null));

  const columns: Column<PlatformUser>[] = [
    {
      header: 'Name',
      cell: (u) => (
        <Text span fw={600} size="sm">
          {u.name}
          {u.id === session?.user.id && (
            <Text span c="dimmed" size="sm">
              {' '}
              (you)
            </Text>
          )}
        </Text>
      ),
    },
    { header: 'Email', cell: (u) => u.email },
    {
      header: 'Role',
      cell: (u) =>
        u.isAdmin ? (
          <Badge variant="light">Admin</Badge>
        ) : (
          <Badge variant="light" color="gray">
            Member
          </Badge>
        ),
    },
    { header: 'Added', cell: (u) => dayjs(u.createdAt).format('YYYY-MM-DD') },
    {
      header: 'Actions',
      hiddenHeader: true,
      cell: (u) => {
        const isMe = u.id === session?.user.id;
        return (
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <Button
              size="compact-sm"
              variant="subtle"
              onClick={() => setEditing({ mode: 'edit', user: u })}
              aria-label={`Edit ${u.name}`}
            >
              Edit
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              onClick={() => setRemoving(u)}
              // Nobody removes themself; only an admin removes an admin.
              disabled={isMe || (u.isAdmin && !callerIsAdmin)}
              title={
                isMe
                  ? 'You cannot remove yourself'
                  : u.isAdmin && !callerIsAdmin
                    ? 'Only an admin can remove an admin'
                    : undefined
              }
              aria-label={`Remove ${u.name}`}
            >
              Remove
            </Button>
          </Group>
        );
      },
    },
  ];

  return (
    <ListPage
      title="Users"
      description="The people who can sign in to this account."
      action={<Button onClick={() => setEditing({ mode: 'add' })}>Add user</Button>}
      label="Users"
      what="users"
      columns={columns}
      rowKey={(u) => u.id}
      list={list}
      empty={<EmptyList title="No users yet" />}
    >
      <UserFormModal
        opened={editing !== null}
        user={editing?.mode === 'edit' ? editing.user : undefined}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        title="Remove this user?"
        confirmLabel="Remove user"
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate({ params: { id: removing.id } })}
      >
        {removing?.name} ({removing?.email}) will no longer be able to sign in.
      </ConfirmModal>
    </ListPage>
  );
}
