import { RemoteSelect, type RemoteSelectProps } from '../../../components/RemoteSelect';
import { customerName, useCustomers } from '../hooks/useCustomers';

function useCustomerOptions(search: string | undefined) {
  const query = useCustomers(search);
  return {
    options: query.customers
      .filter((c) => c.deletedAt === null)
      .map((c) => ({ value: c.id, label: customerName(c) })),
    loading: query.isPending,
  };
}

/** Pick a customer, searching by email, name or company. */
export function CustomerSelect(props: RemoteSelectProps) {
  return (
    <RemoteSelect
      {...props}
      useOptions={useCustomerOptions}
      placeholder="Search customers"
      nothingFound="No customer found"
    />
  );
}
