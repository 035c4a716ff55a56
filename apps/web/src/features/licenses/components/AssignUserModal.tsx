import { ZAssignLicenseUserBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function AssignUserForm({ licenseId, onClose }: { licenseId: string; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { assignUser } = useLicenseForms(licenseId, onClose);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZAssignLicenseUserBody.safeParse({
      email,
      firstName: firstName.trim() || undefined,
      lastName: lastName.trim() || undefined,
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    assignUser.mutate(
      { params: { id: licenseId }, body: parsed.data },
      { onError: (error) => setErrors(apiFieldErrors(error)) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {assignUser.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" role="alert">
            {apiErrorMessage(assignUser.error)}
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={assignUser.isPending}>
            Assign user
          </Button>
        </Group>
      </Stack>
    </form>
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
    <Modal opened={opened} onClose={onClose} title="Assign a user" centered>
      {opened && <AssignUserForm licenseId={licenseId} onClose={onClose} />}
    </Modal>
  );
}
