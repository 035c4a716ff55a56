import { type LicenseCustomField, ZCreateLicenseCustomFieldBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useLicenseForms } from '../hooks/useLicenseMutations';

interface CustomFieldModalProps {
  opened: boolean;
  licenseId: string;
  /** Edit this field's value; add a new field when absent. */
  field?: LicenseCustomField;
  onClose: () => void;
}

function CustomFieldForm({ licenseId, field, onClose }: Omit<CustomFieldModalProps, 'opened'>) {
  const [name, setName] = useState(field?.name ?? '');
  const [value, setValue] = useState(field?.value ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { createCustomField, updateCustomField } = useLicenseForms(licenseId, onClose);
  const mutation = field ? updateCustomField : createCustomField;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = ZCreateLicenseCustomFieldBody.safeParse({ name, value });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    const onError = (error: unknown) => setErrors(apiFieldErrors(error));
    if (!field) return createCustomField.mutate({ params: { id: licenseId }, body: parsed.data }, { onError });
    if (parsed.data.value === field.value) return onClose();
    updateCustomField.mutate(
      { params: { id: licenseId, fieldId: field.id }, body: { value: parsed.data.value } },
      { onError },
    );
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
          disabled={field !== undefined}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
          data-autofocus={field === undefined}
        />
        <TextInput
          label="Value"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={errors.value}
          data-autofocus={field !== undefined}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {field ? 'Save field' : 'Add field'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function CustomFieldModal({ opened, ...props }: CustomFieldModalProps) {
  return (
    <Modal
      opened={opened}
      onClose={props.onClose}
      title={props.field ? `Edit ${props.field.name}` : 'Add a custom field'}
      centered
    >
      {opened && <CustomFieldForm {...props} />}
    </Modal>
  );
}
