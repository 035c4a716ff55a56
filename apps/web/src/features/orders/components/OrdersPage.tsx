import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { EmptyList } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { useCan } from '../../auth/hooks/usePermissions';
import { useOrders } from '../hooks/useOrders';
import { OrderFormModal } from './OrderFormModal';
import { ORDER_COLUMNS } from './OrderTable';

const route = getRouteApi('/_app/orders');

export function OrdersPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, { open, close }] = useDisclosure(false);
  const list = useOrders({ search });
  const canWrite = useCan('orders:write');

  return (
    <ListPage
      title="Orders"
      description="Orders group the licenses a customer bought."
      action={canWrite && <Button onClick={open}>New order</Button>}
      search={{
        label: 'Search orders',
        placeholder: 'Reference',
        value: search,
        onChange: (value) => void navigate({ search: { search: value }, replace: true }),
      }}
      label="Orders"
      what="orders"
      columns={ORDER_COLUMNS}
      rowKey={(o) => o.id}
      list={list}
      empty={
        <EmptyList title={search ? 'No order matches this search' : 'No orders yet'}>
          {!search && canWrite && (
            <Button variant="light" onClick={open}>
              Create your first order
            </Button>
          )}
        </EmptyList>
      }
    >
      <OrderFormModal
        opened={creating}
        onClose={close}
        onSaved={(o) => void navigate({ to: '/orders/$id', params: { id: o.id } })}
      />
    </ListPage>
  );
}
