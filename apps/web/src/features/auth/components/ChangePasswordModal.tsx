import { ZChangePasswordBody } from '@keyledger/contract';
import { PasswordInput, Text } from '@mantine/core';
import { useState } from 'react';
import { notifySuccess } from '../../../api/notify';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useChangePassword } from '../hooks/useChangePassword';

const FIELDS = ['currentPassword', 'newPassword', 'confirm'] as const;

function ChangePasswordForm({ onClose }: { onClose: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const { errors, setErrors, onError } = useFieldErrors();
  const change = useChangePassword();

  const submit = () => {
    const parsed = ZChangePasswordBody.safeParse({ currentPassword, newPassword });
    const found = parsed.success ? {} : zodFieldErrors(parsed.error);
    if (confirm !== newPassword) found.confirm ??= 'The two new passwords differ';
    if (!parsed.success || Object.keys(found).length) return setErrors(found);
    setErrors({});
    change.mutate(
      { body: parsed.data },
      {
        onSuccess: () => {
          notifySuccess('Password changed; your other sessions were signed out');
          onClose();
        },
        onError,
      },
    );
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Change password"
      pending={change.isPending}
      error={change.error}
      errors={errors}
      fields={FIELDS}
    >
      <PasswordInput
        label="Current password"
        required
        autoComplete="current-password"
        value={currentPassword}
        onChange={(e) => setCurrent(e.currentTarget.value)}
        error={errors.currentPassword}
        data-autofocus
      />
      <PasswordInput
        label="New password"
        description="At least 10 characters, with a letter and a digit"
        required
        autoComplete="new-password"
        value={newPassword}
        onChange={(e) => setNew(e.currentTarget.value)}
        error={errors.newPassword}
      />
      <PasswordInput
        label="Repeat the new password"
        required
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => setConfirm(e.currentTarget.value)}
        error={errors.confirm}
      />
      <Text size="sm" c="dimmed">
        Your other sessions (other browsers and devices) will be signed out; this one stays.
      </Text>
    </ModalForm>
  );
}

/** The signed-in user's own password, from the user menu. */
export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <FormModal opened={opened} onClose={onClose} title="Change your password">
      <ChangePasswordForm onClose={onClose} />
    </FormModal>
  );
}
