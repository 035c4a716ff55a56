import { type Permission, type PermissionTemplate, ZCreatePermissionTemplateBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { notifySuccess } from '../../../api/notify';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useSaveTemplate } from '../hooks/usePermissionTemplates';
import { PermissionCheckboxes } from './PermissionCheckboxes';

interface Props {
  opened: boolean;
  template?: PermissionTemplate;
  onClose: () => void;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

function TemplateForm({ template, onClose }: Omit<Props, 'opened'>) {
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(template?.permissions ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const save = useSaveTemplate();
  const pending = save.create.isPending || save.update.isPending || save.setPermissions.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZCreatePermissionTemplateBody.safeParse({
      name,
      description: description.trim() || null,
      permissions,
    });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    setFailure(null);
    try {
      if (!template) {
        await save.create.mutateAsync({ body: parsed.data });
      } else {
        const d = parsed.data;
        const body = {
          ...(d.name !== template.name && { name: d.name }),
          ...((d.description ?? null) !== template.description && { description: d.description ?? null }),
        };
        if (Object.keys(body).length > 0)
          await save.update.mutateAsync({ params: { id: template.id }, body });
        if (!sameSet(d.permissions, template.permissions))
          await save.setPermissions.mutateAsync({
            params: { id: template.id },
            body: { permissions: d.permissions },
          });
        notifySuccess('Template saved');
      }
      onClose();
    } catch (error) {
      setErrors(apiFieldErrors(error));
      setFailure(error);
    }
  };

  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <Stack>
        {failure !== null && Object.keys(errors).length === 0 && (
          <Alert color="red" role="alert">
            {apiErrorMessage(failure)}
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
        <Textarea
          label="Description"
          autosize
          minRows={2}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          error={errors.description}
        />
        <PermissionCheckboxes value={permissions} onChange={setPermissions} error={errors.permissions} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {template ? 'Save' : 'Create template'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function PermissionTemplateFormModal({ opened, ...props }: Props) {
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.template ? 'Edit permission template' : 'New permission template'}
      size="lg"
      centered
    >
      {opened && <TemplateForm {...props} />}
    </Modal>
  );
}
