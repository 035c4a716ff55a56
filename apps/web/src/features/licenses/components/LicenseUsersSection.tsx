import type { License } from '@keyledger/contract';
import { Button, Group, Paper, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useLicenseActions } from '../hooks/useLicenseMutations';
import { AssignUserModal } from './AssignUserModal';

/** The people allowed to use the license: assign and unassign. */
export function LicenseUsersSection({ license }: { license: License }) {
  const [assigning, assign] = useDisclosure(false);
  const { unassignUser } = useLicenseActions(license.id);
  const deleted = license.deletedAt !== null;
  const canWrite = useCan('licenses:write');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="license-users">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id="license-users">
          License users
        </Title>
        {canWrite && (
          <Button size="compact-sm" variant="light" onClick={assign.open} disabled={deleted}>
            Assign user
          </Button>
        )}
      </Group>
      {license.users.length === 0 ? (
        <Text size="sm" c="dimmed">
          No user is assigned; anyone with the key can activate it.
        </Text>
      ) : (
        <Table aria-label="License users">
          <Table.Tbody>
            {license.users.map((u) => {
              const name = [u.firstName, u.lastName].filter(Boolean).join(' ');
              return (
                <Table.Tr key={u.id}>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{name || '—'}</Table.Td>
                  {canWrite && (
                    <Table.Td ta="right">
                      <VisuallyHidden>Actions</VisuallyHidden>
                      <ConfirmButton
                        label="Unassign"
                        aria-label={`Unassign ${u.email}`}
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        disabled={deleted}
                        title="Unassign this user?"
                        confirmLabel="Unassign user"
                        loading={unassignUser.isPending}
                        onConfirm={(close) =>
                          unassignUser.mutate(
                            { params: { id: license.id, licenseUserId: u.id } },
                            { onSettled: close },
                          )
                        }
                      >
                        {u.email} will no longer be able to use this license.
                      </ConfirmButton>
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <AssignUserModal opened={assigning} licenseId={license.id} onClose={assign.close} />
    </Paper>
  );
}
