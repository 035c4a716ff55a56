import type { Customer } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { customerKeys } from './customerKeys';

const PAGE_SIZE = 50;

export function useCustomers(search: string | undefined) {
  const list = useKeysetList(customerKeys.list(search), (cursor) =>
    tsr.customers.list.query({ query: { search: search || undefined, cursor, limit: PAGE_SIZE } }),
  );
  return { ...list, customers: list.items };
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
