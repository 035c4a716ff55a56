import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { type OrderListFilter, orderKeys } from './orderKeys';

const PAGE_SIZE = 50;

export function useOrders(filter: OrderListFilter) {
  const list = useKeysetList(orderKeys.list(filter), (cursor) =>
    tsr.orders.list.query({
      query: {
        search: filter.search || undefined,
        customerId: filter.customerId,
        cursor,
        limit: PAGE_SIZE,
      },
    }),
  );
  return { ...list, orders: list.items };
}

export function useOrder(id: string, enabled = true) {
  return tsr.orders.get.useQuery({
    queryKey: orderKeys.detail(id),
    queryData: { params: { id } },
    enabled,
  });
}
