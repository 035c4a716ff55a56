import type { PlatformUser } from '@keyledger/contract';
import {
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { ListError } from '../../../components/DetailStates';
import { useSession } from '../../auth/hooks/useSession';
import { usePlatformUsers, useRemoveUser } from '../hooks/usePlatformUsers';
import { UserFormModal } from './UserFormModal';

type Editing = { mode: 'add' } | { mode: 'edit'; user: PlatformUser } | null;

/** Settings > Users: the people who can sign in to this account. */
export function UsersPage() {
  const session = useSession();
  const callerIsAdmin = session?.user.isAdmin ?? false;
  const query = usePlatformUsers();
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<PlatformUser | null>(null);
  const remove = useRemoveUser(() => setRemoving(null));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Users
          </Title>
          <Text c="dimmed" size="sm">
            The people who can sign in to this account.
          </Text>
        </div>
        <Button onClick={() => setEditing({ mode: 'add' })}>Add user</Button>
      </Group>
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading users" />
        </Center>
      ) : query.isError ? (
        <ListError what="users" error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table aria-label="Users" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Added</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.users.map((u) => {
                const isMe = u.id === session?.user.id;
                return (
                  <Table.Tr key={u.id}>
                    <Table.Td fw={600}>
                      {u.name}
                      {isMe && (
                        <Text span c="dimmed" size="sm">
                          {' '}
                          (you)
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{u.email}</Table.Td>
                    <Table.Td>
                      {u.isAdmin ? (
                        <Badge variant="light">Admin</Badge>
                      ) : (
                        <Badge variant="light" color="gray">
                          Member
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{dayjs(u.createdAt).format('YYYY-MM-DD')}</Table.Td>
                    <Table.Td>
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
                            u.isAdmin && !callerIsAdmin
                              ? 'Only an admin can remove an admin'
                              : undefined
                          }
                          aria-label={`Remove ${u.name}`}
                        >
                          Remove
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {query.hasNextPage && (
        <Button
          variant="default"
          w="fit-content"
          onClick={() => void query.fetchNextPage()}
          loading={query.isFetchingNextPage}
        >
          Load more
        </Button>
      )}
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
    </Stack>
  );
}
