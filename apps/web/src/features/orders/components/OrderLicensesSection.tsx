import type { Order } from '@keyledger/contract';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ListSection } from '../../../components/list/ListSection';
import { useCan } from '../../auth/hooks/usePermissions';
import { LicenseFormModal } from '../../licenses/components/LicenseFormModal';
import { LICENSE_COLUMNS } from '../../licenses/components/LicenseTable';
import { useLicenses } from '../../licenses/hooks/useLicenses';

export function OrderLicensesSection({ order }: { order: Order }) {
  const list = useLicenses({ orderId: order.id });
  const [issuing, issue] = useDisclosure(false);
  const canIssue = useCan('licenses:write');
  return (
    <ListSection
      id="order-licenses"
      title="Licenses"
      action={
        canIssue && (
          <Button
            size="compact-sm"
            variant="light"
            onClick={issue.open}
            disabled={order.deletedAt !== null}
          >
            Issue license
          </Button>
        )
      }
      label={`Licenses of ${order.reference}`}
      what="licenses"
      columns={LICENSE_COLUMNS}
      rowKey={(l) => l.id}
      list={list}
      minWidth={720}
      empty="No licenses in this order yet."
    >
      <LicenseFormModal
        opened={issuing}
        onClose={issue.close}
        order={{ id: order.id, reference: order.reference }}
      />
    </ListSection>
  );
}
