import { type Order, ZCreateOrderBody } from '@keyledger/contract';
import { Alert, Button, Checkbox, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { CustomerSelect } from '../../customers/components/CustomerSelect';
import { useSaveOrder } from '../hooks/useOrderMutations';

const FIELDS = ['reference', 'customerId', 'isTrial', 'notes'];

interface OrderFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** Edit this order; create a new one when absent. */
  order?: Order;
  /** For a new order: its customer, chosen already (the customer's page). */
  customer?: { id: string; label: string };
  onSaved?: (order: Order) => void;
}

function OrderForm({ order, customer, onClose, onSaved }: Omit<OrderFormModalProps, 'opened'>) {
  const [reference, setReference] = useState(order?.reference ?? '');
  const [customerId, setCustomerId] = useState<string | null>(
    order?.customerId ?? customer?.id ?? null,
  );
  const [isTrial, setIsTrial] = useState(order?.isTrial ?? false);
  const [notes, setNotes] = useState(order?.notes ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { create, update } = useSaveOrder((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = order ? update : create;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZCreateOrderBody.safeParse({
      reference,
      customerId: customerId ?? '',
      isTrial,
      notes: notes.trim() || null,
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (!order) return create.mutate({ body: parsed.data }, { onError });
    const d = parsed.data;
    const body = {
      ...(d.reference !== order.reference && { reference: d.reference }),
      ...(d.isTrial !== order.isTrial && { isTrial: d.isTrial }),
      ...((d.notes ?? null) !== order.notes && { notes: d.notes ?? null }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: order.id }, body }, { onError });
  };

  const fieldShown = FIELDS.some((f) => f in errors);
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {mutation.isError && !fieldShown && (
          <Alert color="red" role="alert">
            {apiErrorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          label="Reference"
          description="The order number in your shop"
          required
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
          error={errors.reference}
          data-autofocus
        />
        {!order && (
          <CustomerSelect
            label="Customer"
            required
            value={customerId}
            valueLabel={customer?.label}
            onChange={setCustomerId}
            error={errors.customerId}
          />
        )}
        <Checkbox
          label="Trial order"
          checked={isTrial}
          onChange={(e) => setIsTrial(e.currentTarget.checked)}
          error={errors.isTrial}
        />
        <Textarea
          label="Notes"
          autosize
          minRows={2}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          error={errors.notes}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {order ? 'Save' : 'Create order'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function OrderFormModal({ opened, ...props }: OrderFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.order ? 'Edit order' : 'New order'}
      centered
    >
      {opened && <OrderForm {...props} />}
    </Modal>
  );
}
