import { Text } from '@mantine/core';
import { apiErrorMessage, apiErrorStatus } from '../../../api/errors';
import { RouterAnchor } from '../../../components/RouterLinks';
import { customerName, useCustomer } from '../../customers/hooks/useCustomers';
import { useOrder } from '../../orders/hooks/useOrders';
import { useProduct } from '../../products/hooks/useProducts';

/** While the item loads: "…"; when it cannot be (e.g. the user may not read it): why, dimmed. */
function Pending({ error }: { error: unknown }) {
  if (error) {
    const denied = apiErrorStatus(error) === 403;
    return (
      <Text span size="sm" c="dimmed" title={apiErrorMessage(error)}>
        {denied ? 'Not visible to you' : 'Could not be loaded'}
      </Text>
    );
  }
  return (
    <Text span size="sm" c="dimmed">
      …
    </Text>
  );
}

export function ProductLink({ id }: { id: string }) {
  const query = useProduct(id);
  if (!query.data) return <Pending error={query.error} />;
  return (
    <RouterAnchor to="/products/$id" params={{ id }} size="sm">
      {query.data.body.name}
    </RouterAnchor>
  );
}

export function OrderLink({ id }: { id: string }) {
  const query = useOrder(id);
  if (!query.data) return <Pending error={query.error} />;
  return (
    <RouterAnchor to="/orders/$id" params={{ id }} size="sm">
      {query.data.body.reference}
    </RouterAnchor>
  );
}

export function CustomerLink({ id }: { id: string }) {
  const query = useCustomer(id);
  if (!query.data) return <Pending error={query.error} />;
  return (
    <RouterAnchor to="/customers/$id" params={{ id }} size="sm">
      {customerName(query.data.body)}
    </RouterAnchor>
  );
}
