import type { Order } from '@keyledger/contract';
import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useRemoveOrder } from '../hooks/useOrderMutations';
import { OrderFormModal } from './OrderFormModal';

export function OrderActions({ order }: { order: Order }) {
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const remove = useRemoveOrder(order.id, () => void navigate({ to: '/orders', search: {} }));
  const deleted = order.deletedAt !== null;
  const canWrite = useCan('orders:write');
  if (!canWrite) return null;
  return (
    <>
      <Group gap="xs">
        <Button variant="default" onClick={edit.open} disabled={deleted}>
          Edit
        </Button>
        <ConfirmButton
          label="Delete"
          color="red"
          variant="light"
          disabled={deleted}
          title="Delete this order?"
          confirmLabel="Delete order"
          loading={remove.isPending}
          onConfirm={(close) => remove.mutate({ params: { id: order.id } }, { onSettled: close })}
        >
          Order {order.reference} will be deleted. An order with licenses cannot be deleted. Its
          history stays in the audit log.
        </ConfirmButton>
      </Group>
      <OrderFormModal opened={editing} onClose={edit.close} order={order} />
    </>
  );
}
