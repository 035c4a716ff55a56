import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import { productKeys } from './productKeys';

const PAGE_SIZE = 50;

export function useProducts(search: string | undefined) {
  const query = tsr.products.list.useInfiniteQuery({
    queryKey: productKeys.list(search),
    queryData: ({ pageParam }) => ({
      query: {
        search: search || undefined,
        cursor: pageParam as string | undefined,
        limit: PAGE_SIZE,
      },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const products = useMemo(
    () => query.data?.pages.flatMap((p) => p.body.items) ?? [],
    [query.data],
  );
  return { ...query, products };
}

export function useProduct(id: string) {
  return tsr.products.get.useQuery({
    queryKey: productKeys.detail(id),
    queryData: { params: { id } },
  });
}
