import { RemoteSelect, type RemoteSelectProps } from '../../../components/RemoteSelect';
import { useOrders } from '../hooks/useOrders';

function useOrderOptions(search: string | undefined) {
  const query = useOrders({ search });
  return {
    options: query.orders
      .filter((o) => o.deletedAt === null)
      .map((o) => ({ value: o.id, label: o.reference })),
    loading: query.isPending,
  };
}

/** Pick an order, searching by reference. */
export function OrderSelect(props: RemoteSelectProps) {
  return (
    <RemoteSelect
      {...props}
      useOptions={useOrderOptions}
      placeholder="Search by reference"
      nothingFound="No order found"
    />
  );
}
