import type { Customer } from '@keyledger/contract';
import { Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useRemoveCustomer } from '../hooks/useCustomerMutations';
import { CustomerFormModal } from './CustomerFormModal';

export function CustomerActions({ customer }: { customer: Customer }) {
  const navigate = useNavigate();
  const [editing, edit] = useDisclosure(false);
  const remove = useRemoveCustomer(
    customer.id,
    () => void navigate({ to: '/customers', search: {} }),
  );
  const deleted = customer.deletedAt !== null;
  const canWrite = useCan('customers:write');
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
          title="Delete this customer?"
          confirmLabel="Delete customer"
          loading={remove.isPending}
          onConfirm={(close) =>
            remove.mutate({ params: { id: customer.id } }, { onSettled: close })
          }
        >
          {customer.email} will be deleted. A customer with orders cannot be deleted. Their history
          stays in the audit log.
        </ConfirmButton>
      </Group>
      <CustomerFormModal opened={editing} onClose={edit.close} customer={customer} />
    </>
  );
}
