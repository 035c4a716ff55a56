import {
  type ApiKeyCreated,
  type Permission,
  PERMISSIONS,
  ZCreateApiKeyBody,
} from '@keyledger/contract';
import { Alert, Button, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { usePermissions } from '../../auth/hooks/usePermissions';
import { PermissionCheckboxes } from '../../permission-templates/components/PermissionCheckboxes';
import { useCreateApiKey } from '../hooks/useApiKeys';

function CreateForm({
  onCreated,
  onClose,
}: {
  onCreated: (key: ApiKeyCreated) => void;
  onClose: () => void;
}) {
  const { can } = usePermissions();
  // The API refuses to give a key a permission its creator does not hold.
  const selectable = PERMISSIONS.filter(can);
  const [name, setName] = useState('');
  const [permissions, setPermissions] = useState<Permission[]>([]);
  const { errors, validate, onError } = useFieldErrors();
  const create = useCreateApiKey();

  const submit = () => {
    const parsed = validate(ZCreateApiKeyBody, { name, permissions });
    if (!parsed) return;
    create.mutate({ body: parsed }, { onSuccess: (res) => onCreated(res.body), onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Create API key"
      pending={create.isPending}
      error={create.error}
      errors={errors}
      fields={['name', 'permissions']}
    >
      <TextInput
        label="Name"
        description="What the key is for, e.g. the script or integration that uses it"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        error={errors.name}
        data-autofocus
      />
      <PermissionCheckboxes
        value={permissions}
        onChange={setPermissions}
        error={errors.permissions}
        description="Only what the key needs. You can give it only permissions you hold."
        selectable={selectable}
      />
    </ModalForm>
  );
}

/** The new key's secret, the one time it can be seen. */
function SecretOnce({ apiKey, onDone }: { apiKey: ApiKeyCreated; onDone: () => void }) {
  return (
    <Stack>
      <Alert color="yellow" role="alert" title="Copy this key now">
        It won't be shown again: Keyledger keeps only a hash of it. If it is lost, revoke it and
        create a new one.
      </Alert>
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <TextInput
          label={`Secret of ${apiKey.name}`}
          value={apiKey.secret}
          readOnly
          ff="monospace"
          style={{ flex: 1 }}
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton value={apiKey.secret}>
          {({ copied, copy }) => (
            <Button
              variant={copied ? 'light' : 'filled'}
              color={copied ? 'teal' : undefined}
              onClick={copy}
            >
              {copied ? 'Copied' : 'Copy key'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text size="sm" c="dimmed">
        Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
      </Text>
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}

/** Name and permissions, then the secret once. Closing forgets the secret for good. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <FormModal
      opened={opened}
      onClose={close}
      title={created ? 'API key created' : 'Create API key'}
      size="lg"
      // Showing the secret: a stray click outside must not throw it away.
      closeOnClickOutside={!created}
    >
      {created ? (
        <SecretOnce apiKey={created} onDone={close} />
      ) : (
        <CreateForm onCreated={setCreated} onClose={close} />
      )}
    </FormModal>
  );
}
