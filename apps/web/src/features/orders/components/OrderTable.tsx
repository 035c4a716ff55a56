import type { Order } from '@keyledger/contract';
import { Badge } from '@mantine/core';
import dayjs from 'dayjs';
import type { Column } from '../../../components/list/KeysetTable';
import { RouterAnchor } from '../../../components/RouterLinks';
import { CustomerLink } from '../../licenses/components/ItemRefLinks';

const REFERENCE: Column<Order> = {
  header: 'Reference',
  cell: (o) => (
    <>
      <RouterAnchor to="/orders/$id" params={{ id: o.id }} fw={600}>
        {o.reference}
      </RouterAnchor>
      {o.deletedAt && (
        <Badge color="red" variant="light" ml="xs">
          Deleted
        </Badge>
      )}
    </>
  ),
};
const CUSTOMER: Column<Order> = {
  header: 'Customer',
  cell: (o) => <CustomerLink id={o.customerId} />,
};
const REST: Column<Order>[] = [
  { header: 'Kind', cell: (o) => (o.isTrial ? 'Trial' : 'Paid') },
  { header: 'Created', cell: (o) => dayjs(o.createdAt).format('YYYY-MM-DD') },
];

/** The columns of an order list: the list page's, and a customer's page's (without the customer). */
export const ORDER_COLUMNS: Column<Order>[] = [REFERENCE, CUSTOMER, ...REST];
export const CUSTOMER_ORDER_COLUMNS: Column<Order>[] = [REFERENCE, ...REST];
