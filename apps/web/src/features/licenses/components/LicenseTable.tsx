import type { License } from '@keyledger/contract';
import { Table } from '@mantine/core';
import dayjs from 'dayjs';
import { RouterAnchor } from '../../../components/RouterLinks';
import { LICENSE_TYPE_LABELS, LicenseStatusBadge } from './LicenseBadges';
import { CustomerLink, ProductLink } from './ItemRefLinks';

/** Licenses as a table, for the list page and an order's page. */
export function LicenseTable({ licenses, label }: { licenses: License[]; label: string }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key</Table.Th>
            <Table.Th>Product</Table.Th>
            <Table.Th>Customer</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Valid until</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {licenses.map((l) => (
            <Table.Tr key={l.id}>
              <Table.Td>
                <RouterAnchor to="/licenses/$id" params={{ id: l.id }} ff="monospace" fw={600}>
                  {l.key}
                </RouterAnchor>
              </Table.Td>
              <Table.Td>
                <ProductLink id={l.productId} />
              </Table.Td>
              <Table.Td>
                <CustomerLink id={l.customerId} />
              </Table.Td>
              <Table.Td>{LICENSE_TYPE_LABELS[l.type]}</Table.Td>
              <Table.Td>
                <LicenseStatusBadge license={l} />
              </Table.Td>
              <Table.Td>{l.validUntil ? dayjs(l.validUntil).format('YYYY-MM-DD') : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
