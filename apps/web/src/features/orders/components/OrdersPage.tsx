import { Button, Center, Group, Loader, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useOrders } from '../hooks/useOrders';
import { OrderFormModal } from './OrderFormModal';
import { OrderTable } from './OrderTable';

const route = getRouteApi('/_app/orders');

export function OrdersPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [draft, setDraft] = useState(search ?? '');
  const applySearch = useDebouncedCallback((value: string) => {
    void navigate({ search: { search: value.trim() || undefined }, replace: true });
  }, 300);
  const [creating, { open, close }] = useDisclosure(false);
  const query = useOrders({ search });
  const canWrite = useCan('orders:write');

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Orders
          </Title>
          <Text c="dimmed" size="sm">
            Orders group the licenses a customer bought.
          </Text>
        </div>
        {canWrite && <Button onClick={open}>New order</Button>}
      </Group>
      <TextInput
        label="Search orders"
        placeholder="Reference"
        type="search"
        value={draft}
        onChange={(e) => {
          setDraft(e.currentTarget.value);
          applySearch(e.currentTarget.value);
        }}
        maw={360}
      />
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading orders" />
        </Center>
      ) : query.isError ? (
        <ListError what="orders" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.orders.length === 0 ? (
        <Center py="xl">
          <Stack align="center" gap="xs">
            <Text fw={600}>{search ? 'No order matches this search' : 'No orders yet'}</Text>
            {!search && canWrite && (
              <Button variant="light" onClick={open}>
                Create your first order
              </Button>
            )}
          </Stack>
        </Center>
      ) : (
        <OrderTable orders={query.orders} label="Orders" />
      )}
      <LoadMoreButton query={query} />
      <OrderFormModal
        opened={creating}
        onClose={close}
        onSaved={(o) => void navigate({ to: '/orders/$id', params: { id: o.id } })}
      />
    </Stack>
  );
}
