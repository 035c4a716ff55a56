import type { Customer } from '@keyledger/contract';
import { Button, Group, Loader, Paper, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { OrderFormModal } from '../../orders/components/OrderFormModal';
import { OrderTable } from '../../orders/components/OrderTable';
import { useOrders } from '../../orders/hooks/useOrders';
import { customerName } from '../hooks/useCustomers';

export function CustomerOrdersSection({ customer }: { customer: Customer }) {
  const query = useOrders({ customerId: customer.id });
  const [creating, create] = useDisclosure(false);
  const canCreate = useCan('orders:write');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="customer-orders">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5" id="customer-orders">
          Orders
        </Title>
        {canCreate && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={create.open}
            disabled={customer.deletedAt !== null}
          >
            New order
          </Button>
        )}
      </Group>
      {query.isPending ? (
        <Loader size="sm" aria-label="Loading orders" />
      ) : query.isError ? (
        <ListError what="orders" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.orders.length === 0 ? (
        <Text size="sm" c="dimmed">
          No orders yet.
        </Text>
      ) : (
        <OrderTable
          orders={query.orders}
          label={`Orders of ${customer.email}`}
          showCustomer={false}
        />
      )}
      <LoadMoreButton query={query} />
      <OrderFormModal
        opened={creating}
        onClose={create.close}
        customer={{ id: customer.id, label: customerName(customer) }}
      />
    </Paper>
  );
}
