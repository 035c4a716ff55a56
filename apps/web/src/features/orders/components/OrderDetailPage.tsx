import { Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import dayjs from 'dayjs';
import { DetailError, DetailLoading } from '../../../components/DetailStates';
import { Field } from '../../../components/Field';
import { HistorySection } from '../../../components/HistorySection';
import { RouterAnchor } from '../../../components/RouterLinks';
import { CustomerLink } from '../../licenses/components/ItemRefLinks';
import { useOrder } from '../hooks/useOrders';
import { OrderActions } from './OrderActions';
import { OrderLicensesSection } from './OrderLicensesSection';
import { OrderManagersSection } from './OrderManagersSection';

const route = getRouteApi('/_app/orders/$id');

export function OrderDetailPage() {
  const { id } = route.useParams();
  const query = useOrder(id);

  if (query.isPending) return <DetailLoading label="Loading order" />;
  if (query.isError) {
    return (
      <DetailError
        what="Order"
        error={query.error}
        onRetry={() => void query.refetch()}
        back={
          <RouterAnchor to="/orders" search={{}}>
            Back to orders
          </RouterAnchor>
        }
      />
    );
  }

  const order = query.data.body;
  return (
    <Stack gap="lg">
      <RouterAnchor to="/orders" search={{}} size="sm">
        ← Orders
      </RouterAnchor>
      <Group justify="space-between" align="flex-start">
        <Group gap="sm">
          <Title order={1} size="h2">
            Order {order.reference}
          </Title>
          {order.isTrial && <Badge variant="light">Trial</Badge>}
          {order.deletedAt && (
            <Badge color="red" variant="light">
              Deleted
            </Badge>
          )}
        </Group>
        <OrderActions order={order} />
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Field label="Customer">
            <CustomerLink id={order.customerId} />
          </Field>
          <Field label="Created">
            <Text size="sm">{dayjs(order.createdAt).format('YYYY-MM-DD HH:mm')}</Text>
          </Field>
          <Field label="Notes">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {order.notes ?? '—'}
            </Text>
          </Field>
        </SimpleGrid>
      </Paper>
      <OrderManagersSection order={order} />
      <OrderLicensesSection order={order} />
      <HistorySection itemType="order" itemId={order.id} label={`order ${order.reference}`} />
    </Stack>
  );
}
