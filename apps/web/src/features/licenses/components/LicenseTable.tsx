import type { License } from '@keyledger/contract';
import dayjs from 'dayjs';
import type { Column } from '../../../components/list/KeysetTable';
import { RouterAnchor } from '../../../components/RouterLinks';
import { LICENSE_TYPE_LABELS, LicenseStatusBadge } from './LicenseBadges';
import { CustomerLink, ProductLink } from './ItemRefLinks';

/** The columns of a license list: the list page's and an order's page's. */
export const LICENSE_COLUMNS: Column<License>[] = [
  {
    header: 'Key',
    cell: (l) => (
      <RouterAnchor to="/licenses/$id" params={{ id: l.id }} ff="monospace" fw={600}>
        {l.key}
      </RouterAnchor>
    ),
  },
  { header: 'Product', cell: (l) => <ProductLink id={l.productId} /> },
  { header: 'Customer', cell: (l) => <CustomerLink id={l.customerId} /> },
  { header: 'Type', cell: (l) => LICENSE_TYPE_LABELS[l.type] },
  { header: 'Status', cell: (l) => <LicenseStatusBadge license={l} /> },
  {
    header: 'Valid until',
    cell: (l) => (l.validUntil ? dayjs(l.validUntil).format('YYYY-MM-DD') : '—'),
  },
];
