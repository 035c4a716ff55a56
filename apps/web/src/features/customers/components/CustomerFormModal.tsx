import { type Customer, ZCreateCustomerBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
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
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { create, update } = useSaveCustomer((saved) => {
    onClose();
    onSaved?.(saved);
  });
  const mutation = customer ? update : create;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const values = Object.fromEntries(
      TEXT_FIELDS.map((f) => [f, text[f].trim() || null]),
    ) as Record<TextField, string | null>;
    const parsed = ZCreateCustomerBody.safeParse({ email, ...values });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (!customer) return create.mutate({ body: parsed.data }, { onError });
    const body: Record<string, string | null> = {};
    if (parsed.data.email !== customer.email) body.email = parsed.data.email;
    for (const f of TEXT_FIELDS) if ((parsed.data[f] ?? null) !== customer[f]) body[f] = parsed.data[f] ?? null;
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: customer.id }, body }, { onError });
  };

  const fieldShown = ['email', ...TEXT_FIELDS].some((f) => f in errors);
  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {mutation.isError && !fieldShown && (
          <Alert color="red" role="alert">
            {apiErrorMessage(mutation.error)}
          </Alert>
        )}
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {customer ? 'Save' : 'Create customer'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CustomerFormModal({ opened, ...props }: CustomerFormModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.customer ? 'Edit customer' : 'New customer'}
      centered
    >
      {opened && <CustomerForm {...props} />}
    </Modal>
  );
}
