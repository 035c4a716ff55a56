import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationPolicy,
  ZCreateNotificationPolicyBody,
} from '@keyledger/contract';
import { Select, Switch, TagsInput, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
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
  const { errors, validate, onError } = useFieldErrors();
  const { create, update } = useSavePolicy(onClose);
  const mutation = policy ? update : create;

  const submit = () => {
    const d = validate(ZCreateNotificationPolicyBody, { name, event, recipients, enabled });
    if (!d) return;
    if (!policy) return create.mutate({ body: d }, { onError });
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
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={policy ? 'Save' : 'Create policy'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={['name', 'event', 'recipients', 'enabled']}
    >
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
      <Switch
        label="Enabled"
        checked={enabled}
        onChange={(e) => setEnabled(e.currentTarget.checked)}
      />
    </ModalForm>
  );
}

export function NotificationPolicyFormModal({ opened, ...props }: Props) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.policy ? 'Edit notification policy' : 'New notification policy'}
    >
      <PolicyForm {...props} />
    </FormModal>
  );
}
