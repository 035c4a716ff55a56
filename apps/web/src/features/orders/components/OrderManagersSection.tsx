import { type Order, ZAddOrderManagerBody } from '@keyledger/contract';
import { Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage } from '../../../api/errors';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useOrderManagers } from '../hooks/useOrderMutations';

/** People besides the customer who may manage the order's licenses: add and remove. */
export function OrderManagersSection({ order }: { order: Order }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { addManager, removeManager } = useOrderManagers(order.id, () => setEmail(''));
  const deleted = order.deletedAt !== null;
  const canWrite = useCan('orders:write');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZAddOrderManagerBody.safeParse({ email });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? 'Invalid email');
    setError(null);
    addManager.mutate(
      { params: { id: order.id }, body: parsed.data },
      { onError: (err) => setError(apiErrorMessage(err)) },
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="order-managers">
      <Title order={2} size="h5" id="order-managers" mb="xs">
        Managers
      </Title>
      <Stack gap="sm">
        {order.managers.length === 0 ? (
          <Text size="sm" c="dimmed">
            Only the customer manages this order.
          </Text>
        ) : (
          <Table aria-label="Managers">
            <Table.Tbody>
              {order.managers.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{m.email}</Table.Td>
                  {canWrite && (
                    <Table.Td ta="right">
                      <ConfirmButton
                        label="Remove"
                        aria-label={`Remove manager ${m.email}`}
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        disabled={deleted}
                        title="Remove this manager?"
                        confirmLabel="Remove manager"
                        loading={removeManager.isPending}
                        onConfirm={(close) =>
                          removeManager.mutate(
                            { params: { id: order.id, managerId: m.id } },
                            { onSettled: close },
                          )
                        }
                      >
                        {m.email} will no longer manage this order’s licenses.
                      </ConfirmButton>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {canWrite && (
          <form onSubmit={submit} noValidate>
            <Group align="flex-start" gap="xs">
              <TextInput
                label="Manager email"
                type="email"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                error={error}
                disabled={deleted}
                style={{ flex: 1 }}
              />
              <Button type="submit" mt={25} loading={addManager.isPending} disabled={deleted}>
                Add manager
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Paper>
  );
}
