import { type Customer, ZCreateCustomerBody } from '@keyledger/contract';
import { SimpleGrid, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useSaveCustomer } from '../hooks/useCustomerMutations';

const TEXT_FIELDS = ['firstName', 'lastName', 'company', 'phone', 'reference'] as const;
type TextField = (typeof TEXT_FIELDS)[number];
const LABELS: Record<TextField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  phone: 'Phone',
  reference: 'Reference',
};

interface CustomerFormModalProps {
  opened: boolean;
  onClose: () => void;
  customer?: Customer;
  onSaved?: (customer: Customer) => void;
}

function CustomerForm({ customer, onClose, onSaved }: Omit<CustomerFormModalProps, 'opened'>) {
  const [email, setEmail] = useState(customer?.email ?? '');
  const [text, setText] = useState<Record<TextField, string>>(() => ({
    firstName: customer?.firstName ?? '',
    lastName: customer?.lastName ?? '',
    company: customer?.company ?? '',
    phone: customer?.phone ?? '',
    reference: customer?.reference ?? '',
  }));
  const { errors, validate, onError } = useFieldErrors();
  const { create, update } = useSaveCustomer((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = customer ? update : create;

  const submit = () => {
    const values = Object.fromEntries(
      TEXT_FIELDS.map((f) => [f, text[f].trim() || null]),
    ) as Record<TextField, string | null>;
    const parsed = validate(ZCreateCustomerBody, { email, ...values });
    if (!parsed) return;
    if (!customer) return create.mutate({ body: parsed }, { onError });
    const body: Record<string, string | null> = {};
    if (parsed.email !== customer.email) body.email = parsed.email;
    for (const f of TEXT_FIELDS)
      if ((parsed[f] ?? null) !== customer[f]) body[f] = parsed[f] ?? null;
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: customer.id }, body }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={customer ? 'Save' : 'Create customer'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={['email', ...TEXT_FIELDS]}
    >
      <TextInput
        label="Email"
        type="email"
        required
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        error={errors.email}
        data-autofocus
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }}>
        {TEXT_FIELDS.map((f) => (
          <TextInput
            key={f}
            label={LABELS[f]}
            value={text[f]}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setText((t) => ({ ...t, [f]: value }));
            }}
            error={errors[f]}
          />
        ))}
      </SimpleGrid>
    </ModalForm>
  );
}

export function CustomerFormModal({ opened, ...props }: CustomerFormModalProps) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.customer ? 'Edit customer' : 'New customer'}
    >
      <CustomerForm {...props} />
    </FormModal>
  );
}
