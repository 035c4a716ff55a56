import type { Customer } from '@keyledger/contract';
import { Badge, Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { EmptyList, type Column } from '../../../components/list/KeysetTable';
import { ListPage } from '../../../components/list/ListPage';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useCan } from '../../auth/hooks/usePermissions';
import { useCustomers } from '../hooks/useCustomers';
import { CustomerFormModal } from './CustomerFormModal';

const route = getRouteApi('/_app/customers');

const COLUMNS: Column<Customer>[] = [
  {
    header: 'Email',
    cell: (c) => (
      <>
        <RouterAnchor to="/customers/$id" params={{ id: c.id }} fw={600}>
          {c.email}
        </RouterAnchor>
        {c.deletedAt && (
          <Badge color="red" variant="light" ml="xs">
            Deleted
          </Badge>
        )}
      </>
    ),
  },
  { header: 'Name', cell: (c) => [c.firstName, c.lastName].filter(Boolean).join(' ') || '—' },
  { header: 'Company', cell: (c) => c.company ?? '—' },
  { header: 'Reference', cell: (c) => c.reference ?? '—' },
];

export function CustomersPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [creating, { open, close }] = useDisclosure(false);
  const list = useCustomers(search);
  const canWrite = useCan('customers:write');

  return (
    <ListPage
      title="Customers"
      description="The companies and people you license software to."
      action={canWrite && <Button onClick={open}>New customer</Button>}
      search={{
        label: 'Search customers',
        placeholder: 'Email, name or company',
        value: search,
        onChange: (value) => void navigate({ search: { search: value }, replace: true }),
      }}
      label="Customers"
      what="customers"
      columns={COLUMNS}
      rowKey={(c) => c.id}
      list={list}
      empty={
        <EmptyList title={search ? 'No customer matches this search' : 'No customers yet'}>
          {!search && canWrite && (
            <Button variant="light" onClick={open}>
              Add your first customer
            </Button>
          )}
        </EmptyList>
      }
    >
      <CustomerFormModal
        opened={creating}
        onClose={close}
        onSaved={(c) => void navigate({ to: '/customers/$id', params: { id: c.id } })}
      />
    </ListPage>
  );
}
