import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationPolicy,
  ZCreateNotificationPolicyBody,
} from '@keyledger/contract';
import { Alert, Button, Group, Modal, Select, Stack, Switch, TagsInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useSavePolicy } from '../hooks/useNotificationPolicies';
import { EVENT_LABELS } from './eventLabels';

interface Props {
  opened: boolean;
  policy?: NotificationPolicy;
  onClose: () => void;
}

function PolicyForm({ policy, onClose }: Omit<Props, 'opened'>) {
  const [name, setName] = useState(policy?.name ?? '');
  const [event, setEvent] = useState<NotificationEvent>(policy?.event ?? 'license_disabled');
  const [recipients, setRecipients] = useState<string[]>(policy?.recipients ?? []);
  const [enabled, setEnabled] = useState(policy?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { create, update } = useSavePolicy(onClose);
  const mutation = policy ? update : create;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZCreateNotificationPolicyBody.safeParse({ name, event, recipients, enabled });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (!policy) return create.mutate({ body: parsed.data }, { onError });
    const d = parsed.data;
    const body = {
      ...(d.name !== policy.name && { name: d.name }),
      ...(d.event !== policy.event && { event: d.event }),
      ...(d.enabled !== policy.enabled && { enabled: d.enabled }),
      ...(d.recipients.join(',') !== policy.recipients.join(',') && { recipients: d.recipients }),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate({ params: { id: policy.id }, body }, { onError });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {mutation.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" role="alert">
            {apiErrorMessage(mutation.error)}
          </Alert>
        )}
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          data-autofocus
        />
        <Select
          label="When"
          required
          allowDeselect={false}
          data={NOTIFICATION_EVENTS.map((ev) => ({ value: ev, label: EVENT_LABELS[ev] }))}
          value={event}
          onChange={(v) => v && setEvent(v as NotificationEvent)}
          error={errors.event}
        />
        <TagsInput
          label="Recipients"
          description="Email addresses; press Enter after each"
          required
          value={recipients}
          onChange={setRecipients}
          error={errors.recipients}
          clearable
        />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {policy ? 'Save' : 'Create policy'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NotificationPolicyFormModal({ opened, ...props }: Props) {
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.policy ? 'Edit notification policy' : 'New notification policy'}
      centered
    >
      {opened && <PolicyForm {...props} />}
    </Modal>
  );
}
