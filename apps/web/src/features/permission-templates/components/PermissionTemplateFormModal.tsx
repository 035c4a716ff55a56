import {
  type Permission,
  type PermissionTemplate,
  ZCreatePermissionTemplateBody,
} from '@keyledger/contract';
import { TextInput, Textarea } from '@mantine/core';
import { useState } from 'react';
import { notifySuccess } from '../../../api/notify';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useSaveTemplate } from '../hooks/usePermissionTemplates';
import { PermissionCheckboxes } from './PermissionCheckboxes';

interface Props {
  opened: boolean;
  template?: PermissionTemplate;
  onClose: () => void;
}

const sameSet = (a: string[], b: string[]) =>
  a.length === b.length && a.every((x) => b.includes(x));

function TemplateForm({ template, onClose }: Omit<Props, 'opened'>) {
  const [name, setName] = useState(template?.name ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(template?.permissions ?? []);
  const { errors, validate, onError } = useFieldErrors();
  const [failure, setFailure] = useState<unknown>(null);
  const save = useSaveTemplate();
  const pending = save.create.isPending || save.update.isPending || save.setPermissions.isPending;

  // Saving an existing template may take two calls (its fields, its permissions): one failure shows.
  const submit = async () => {
    const d = validate(ZCreatePermissionTemplateBody, {
      name,
      description: description.trim() || null,
      permissions,
    });
    if (!d) return;
    setFailure(null);
    try {
      if (!template) {
        await save.create.mutateAsync({ body: d });
      } else {
        const body = {
          ...(d.name !== template.name && { name: d.name }),
          ...((d.description ?? null) !== template.description && {
            description: d.description ?? null,
          }),
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
      onError(error);
      setFailure(error);
    }
  };

  return (
    <ModalForm
      onSubmit={() => void submit()}
      onCancel={onClose}
      submitLabel={template ? 'Save' : 'Create template'}
      pending={pending}
      error={failure}
      errors={errors}
      fields={['name', 'description', 'permissions']}
    >
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
      <PermissionCheckboxes
        value={permissions}
        onChange={setPermissions}
        error={errors.permissions}
      />
    </ModalForm>
  );
}

export function PermissionTemplateFormModal({ opened, ...props }: Props) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.template ? 'Edit permission template' : 'New permission template'}
      size="lg"
    >
      <TemplateForm {...props} />
    </FormModal>
  );
}
