import type { Customer } from '@keyledger/contract';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ListSection } from '../../../components/list/ListSection';
import { useCan } from '../../auth/hooks/usePermissions';
import { OrderFormModal } from '../../orders/components/OrderFormModal';
import { CUSTOMER_ORDER_COLUMNS } from '../../orders/components/OrderTable';
import { useOrders } from '../../orders/hooks/useOrders';
import { customerName } from '../hooks/useCustomers';

export function CustomerOrdersSection({ customer }: { customer: Customer }) {
  const list = useOrders({ customerId: customer.id });
  const [creating, create] = useDisclosure(false);
  const canCreate = useCan('orders:write');
  return (
    <ListSection
      id="customer-orders"
      title="Orders"
      action={
        canCreate && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={create.open}
            disabled={customer.deletedAt !== null}
          >
            New order
          </Button>
        )
      }
      label={`Orders of ${customer.email}`}
      what="orders"
      columns={CUSTOMER_ORDER_COLUMNS}
      rowKey={(o) => o.id}
      list={list}
      empty="No orders yet."
    >
      <OrderFormModal
        opened={creating}
        onClose={create.close}
        customer={{ id: customer.id, label: customerName(customer) }}
      />
    </ListSection>
  );
}
