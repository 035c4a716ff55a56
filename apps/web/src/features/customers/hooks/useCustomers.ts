import type { Customer } from '@keyledger/contract';
import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import { customerKeys } from './customerKeys';

const PAGE_SIZE = 50;

export function useCustomers(search: string | undefined) {
  const query = tsr.customers.list.useInfiniteQuery({
    queryKey: customerKeys.list(search),
    queryData: ({ pageParam }) => ({
      query: { search: search || undefined, cursor: pageParam as string | undefined, limit: PAGE_SIZE },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const customers = useMemo(
    () => query.data?.pages.flatMap((p) => p.body.items) ?? [],
    [query.data],
  );
  return { ...query, customers };
}

export function useCustomer(id: string, enabled = true) {
  return tsr.customers.get.useQuery({
    queryKey: customerKeys.detail(id),
    queryData: { params: { id } },
    enabled,
  });
}

/** "Ada Lovelace (Acme)" or the email. */
export function customerName(c: Customer): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  const who = name || c.email;
  return c.company ? `${who} (${c.company})` : who;
}
