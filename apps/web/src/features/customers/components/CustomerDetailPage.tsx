import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import dayjs from 'dayjs';
import { DetailError, DetailLoading } from '../../../components/DetailStates';
import { Field } from '../../../components/Field';
import { HistorySection } from '../../../components/HistorySection';
import { RouterAnchor } from '../../../components/RouterLinks';
import { customerName, useCustomer } from '../hooks/useCustomers';
import { CustomerActions } from './CustomerActions';
import { CustomerOrdersSection } from './CustomerOrdersSection';

const route = getRouteApi('/_app/customers/$id');

export function CustomerDetailPage() {
  const { id } = route.useParams();
  const query = useCustomer(id);

  if (query.isPending) return <DetailLoading label="Loading customer" />;
  if (query.isError) {
    return (
      <DetailError
        what="Customer"
        error={query.error}
        onRetry={() => void query.refetch()}
        back={
          <RouterAnchor to="/customers" search={{}}>
            Back to customers
          </RouterAnchor>
        }
      />
    );
  }

  const customer = query.data.body;
  const name = customerName(customer);
  return (
    <Stack gap="lg">
      <RouterAnchor to="/customers" search={{}} size="sm">
        ← Customers
      </RouterAnchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} size="h2">
              {name}
            </Title>
            {customer.deletedAt && (
              <Badge color="red" variant="light">
                Deleted
              </Badge>
            )}
          </Group>
          <Text c="dimmed" size="sm">
            {customer.email}
          </Text>
        </Stack>
        <CustomerActions customer={customer} />
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <Field label="Company">
            <Text size="sm">{customer.company ?? '—'}</Text>
          </Field>
          <Field label="Phone">
            <Text size="sm">{customer.phone ?? '—'}</Text>
          </Field>
          <Field label="Reference">
            <Text size="sm">{customer.reference ?? '—'}</Text>
          </Field>
          <Field label="Created">
            <Text size="sm">{dayjs(customer.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
          </Field>
        </SimpleGrid>
      </Paper>
      <CustomerOrdersSection customer={customer} />
      <HistorySection itemType="customer" itemId={customer.id} label={name} />
    </Stack>
  );
}
