import { type LicenseCustomField, ZCreateLicenseCustomFieldBody } from '@keyledger/contract';
import { TextInput } from '@mantine/core';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
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
  const { errors, validate, onError } = useFieldErrors();
  const { createCustomField, updateCustomField } = useLicenseForms(licenseId, onClose);
  const mutation = field ? updateCustomField : createCustomField;

  const submit = () => {
    const parsed = validate(ZCreateLicenseCustomFieldBody, { name, value });
    if (!parsed) return;
    if (!field)
      return createCustomField.mutate({ params: { id: licenseId }, body: parsed }, { onError });
    if (parsed.value === field.value) return onClose();
    updateCustomField.mutate(
      { params: { id: licenseId, fieldId: field.id }, body: { value: parsed.value } },
      { onError },
    );
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel={field ? 'Save field' : 'Add field'}
      pending={mutation.isPending}
      error={mutation.error}
      errors={errors}
      fields={['name', 'value']}
    >
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
    </ModalForm>
  );
}

export function CustomFieldModal({ opened, ...props }: CustomFieldModalProps) {
  return (
    <FormModal
      opened={opened}
      onClose={props.onClose}
      title={props.field ? `Edit ${props.field.name}` : 'Add a custom field'}
    >
      <CustomFieldForm {...props} />
    </FormModal>
  );
}
