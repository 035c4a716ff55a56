import {
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedCallback, useDisclosure } from '@mantine/hooks';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ListError } from '../../../components/DetailStates';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { RouterAnchor } from '../../../components/RouterLinks';
import { useCan } from '../../auth/hooks/usePermissions';
import { useCustomers } from '../hooks/useCustomers';
import { CustomerFormModal } from './CustomerFormModal';

const route = getRouteApi('/_app/customers');

export function CustomersPage() {
  const { search } = route.useSearch();
  const navigate = route.useNavigate();
  const [draft, setDraft] = useState(search ?? '');
  const applySearch = useDebouncedCallback((value: string) => {
    void navigate({ search: { search: value.trim() || undefined }, replace: true });
  }, 300);
  const [creating, { open, close }] = useDisclosure(false);
  const query = useCustomers(search);
  const canWrite = useCan('customers:write');

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Customers
          </Title>
          <Text c="dimmed" size="sm">
            The companies and people you license software to.
          </Text>
        </div>
        {canWrite && <Button onClick={open}>New customer</Button>}
      </Group>
      <TextInput
        label="Search customers"
        placeholder="Email, name or company"
        type="search"
        value={draft}
        onChange={(e) => {
          setDraft(e.currentTarget.value);
          applySearch(e.currentTarget.value);
        }}
        maw={360}
      />
      {query.isPending ? (
        <Center py="xl">
          <Loader aria-label="Loading customers" />
        </Center>
      ) : query.isError ? (
        <ListError what="customers" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.customers.length === 0 ? (
        <Center py="xl">
          <Stack align="center" gap="xs">
            <Text fw={600}>{search ? 'No customer matches this search' : 'No customers yet'}</Text>
            {!search && canWrite && (
              <Button variant="light" onClick={open}>
                Add your first customer
              </Button>
            )}
          </Stack>
        </Center>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover aria-label="Customers">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Company</Table.Th>
                <Table.Th>Reference</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.customers.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <RouterAnchor to="/customers/$id" params={{ id: c.id }} fw={600}>
                      {c.email}
                    </RouterAnchor>
                    {c.deletedAt && (
                      <Badge color="red" variant="light" ml="xs">
                        Deleted
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{[c.firstName, c.lastName].filter(Boolean).join(' ') || '—'}</Table.Td>
                  <Table.Td>{c.company ?? '—'}</Table.Td>
                  <Table.Td>{c.reference ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
      <CustomerFormModal
        opened={creating}
        onClose={close}
        onSaved={(c) => void navigate({ to: '/customers/$id', params: { id: c.id } })}
      />
    </Stack>
  );
}
