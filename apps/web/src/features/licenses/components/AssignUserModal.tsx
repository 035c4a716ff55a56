import { ZAssignLicenseUserBody } from '@keyledger/contract';
import { Group, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function AssignUserForm({ licenseId, onClose }: { licenseId: string; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const { errors, validate, onError } = useFieldErrors();
  const { assignUser } = useLicenseForms(licenseId, onClose);

  const submit = () => {
    const parsed = validate(ZAssignLicenseUserBody, {
      email,
      firstName: firstName.trim() || undefined,
      lastName: lastName.trim() || undefined,
    });
    if (!parsed) return;
    assignUser.mutate({ params: { id: licenseId }, body: parsed }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Assign user"
      pending={assignUser.isPending}
      error={assignUser.error}
      errors={errors}
      fields={['email', 'firstName', 'lastName']}
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
      <Group grow>
        <TextInput
          label="First name"
          value={firstName}
          onChange={(e) => setFirstName(e.currentTarget.value)}
          error={errors.firstName}
        />
        <TextInput
          label="Last name"
          value={lastName}
          onChange={(e) => setLastName(e.currentTarget.value)}
          error={errors.lastName}
        />
      </Group>
    </ModalForm>
  );
}

export function AssignUserModal({
  opened,
  licenseId,
  onClose,
}: {
  opened: boolean;
  licenseId: string;
  onClose: () => void;
}) {
  return (
    <FormModal opened={opened} onClose={onClose} title="Assign a user">
      <AssignUserForm licenseId={licenseId} onClose={onClose} />
    </FormModal>
  );
}
