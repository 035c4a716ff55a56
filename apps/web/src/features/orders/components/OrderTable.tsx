import type { Order } from '@keyledger/contract';
import { Badge, Table } from '@mantine/core';
import dayjs from 'dayjs';
import { RouterAnchor } from '../../../components/RouterLinks';
import { CustomerLink } from '../../licenses/components/ItemRefLinks';

/** Orders as a table, for the list page and a customer's page. */
export function OrderTable({
  orders,
  label,
  showCustomer = true,
}: {
  orders: Order[];
  label: string;
  showCustomer?: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Reference</Table.Th>
            {showCustomer && <Table.Th>Customer</Table.Th>}
            <Table.Th>Kind</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {orders.map((o) => (
            <Table.Tr key={o.id}>
              <Table.Td>
                <RouterAnchor to="/orders/$id" params={{ id: o.id }} fw={600}>
                  {o.reference}
                </RouterAnchor>
                {o.deletedAt && (
                  <Badge color="red" variant="light" ml="xs">
                    Deleted
                  </Badge>
                )}
              </Table.Td>
              {showCustomer && (
                <Table.Td>
                  <CustomerLink id={o.customerId} />
                </Table.Td>
              )}
              <Table.Td>{o.isTrial ? 'Trial' : 'Paid'}</Table.Td>
              <Table.Td>{dayjs(o.createdAt).format('YYYY-MM-DD')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
