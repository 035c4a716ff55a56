import { ZChangePasswordBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { notifySuccess } from '../../../api/notify';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useChangePassword } from '../hooks/useChangePassword';

const FIELDS = ['currentPassword', 'newPassword', 'confirm'];

function ChangePasswordForm({ onClose }: { onClose: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const change = useChangePassword();

  const submit = (e: FormEvent) => {
    e.preventDefault();
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
        onError: (error) => setErrors(apiFieldErrors(error)),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {change.isError && !FIELDS.some((f) => f in errors) && (
          <Alert color="red" role="alert">
            {apiErrorMessage(change.error)}
          </Alert>
        )}
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The signed-in user's own password, from the user menu. */
export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Change your password" centered>
      {opened && <ChangePasswordForm onClose={onClose} />}
    </Modal>
  );
}
