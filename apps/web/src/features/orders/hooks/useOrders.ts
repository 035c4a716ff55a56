import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import { type OrderListFilter, orderKeys } from './orderKeys';

const PAGE_SIZE = 50;

export function useOrders(filter: OrderListFilter) {
  const query = tsr.orders.list.useInfiniteQuery({
    queryKey: orderKeys.list(filter),
    queryData: ({ pageParam }) => ({
      query: {
        search: filter.search || undefined,
        customerId: filter.customerId,
        cursor: pageParam as string | undefined,
        limit: PAGE_SIZE,
      },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const orders = useMemo(() => query.data?.pages.flatMap((p) => p.body.items) ?? [], [query.data]);
  return { ...query, orders };
}

export function useOrder(id: string, enabled = true) {
  return tsr.orders.get.useQuery({
    queryKey: orderKeys.detail(id),
    queryData: { params: { id } },
    enabled,
  });
}
