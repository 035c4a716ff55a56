import { type Order, ZCreateOrderBody } from '@keyledger/contract';
import { Checkbox, TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
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
  const { errors, validate, onError } = useFieldErrors();
  const { create, update } = useSaveOrder((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = order ? update : create;

  const submit = () => {
    const d = validate(ZCreateOrderBody, {
      reference,
      customerId: customerId ?? '',
      isTrial,
      notes: notes.trim() || null,
    });
    if (!d) return;
    if (!order) return create.mutate({ body: d }, { onError });
    const body = {
      ...(d.reference !== order.reference && { reference: d.reference }),
      ...(d.isTrial !== order.isTrial && { isTrial: d.isTrial }),
      ...((d.notes ?? null) !== order.notes && { notes: d.notes ?? null }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: order.id }, body }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={order ? 'Save' : 'Create order'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={FIELDS}
    >
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
    </ModalForm>
  );
}

export function OrderFormModal({ opened, ...props }: OrderFormModalProps) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.order ? 'Edit order' : 'New order'}
    >
      <OrderForm {...props} />
    </FormModal>
  );
}
