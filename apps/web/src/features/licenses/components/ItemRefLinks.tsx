import { Text } from '@mantine/core';
import { RouterAnchor } from '../../../components/RouterLinks';
import { customerName, useCustomer } from '../../customers/hooks/useCustomers';
import { useOrder } from '../../orders/hooks/useOrders';
import { useProduct } from '../../products/hooks/useProducts';

const Pending = () => (
  <Text span size="sm" c="dimmed">
    …
  </Text>
);

export function ProductLink({ id }: { id: string }) {
  const query = useProduct(id);
  if (!query.data) return <Pending />;
  return (
    <RouterAnchor to="/products/$id" params={{ id }} size="sm">
      {query.data.body.name}
    </RouterAnchor>
  );
}

export function OrderLink({ id }: { id: string }) {
  const query = useOrder(id);
  if (!query.data) return <Pending />;
  return (
    <RouterAnchor to="/orders/$id" params={{ id }} size="sm">
      {query.data.body.reference}
    </RouterAnchor>
  );
}

export function CustomerLink({ id }: { id: string }) {
  const query = useCustomer(id);
  if (!query.data) return <Pending />;
  return (
    <RouterAnchor to="/customers/$id" params={{ id }} size="sm">
      {customerName(query.data.body)}
    </RouterAnchor>
  );
}
