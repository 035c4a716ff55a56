import { EXPIRING_LICENSE_TYPES, type License, ZUpdateLicenseBody } from '@keyledger/contract';
import { NumberInput } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function LicenseEditForm({ license, onClose }: { license: License; onClose: () => void }) {
  const [maxActivations, setMaxActivations] = useState<number | string>(license.maxActivations);
  const [validUntil, setValidUntil] = useState<string | null>(
    license.validUntil ? dayjs(license.validUntil).format('YYYY-MM-DD HH:mm:ss') : null,
  );
  const [maxConsumptions, setMaxConsumptions] = useState<number | string>(
    license.maxConsumptions ?? '',
  );
  const { errors, validate, onError } = useFieldErrors();
  const { update } = useLicenseForms(license.id, onClose);
  const expiring = EXPIRING_LICENSE_TYPES.includes(license.type);

  const submit = () => {
    const iso = validUntil ? dayjs(validUntil).toISOString() : undefined;
    const body = {
      ...(Number(maxActivations) !== license.maxActivations && {
        maxActivations: Number(maxActivations),
      }),
      ...(expiring && iso && iso !== license.validUntil && { validUntil: iso }),
      ...(license.type === 'consumption' &&
        Number(maxConsumptions) !== license.maxConsumptions && {
          maxConsumptions: Number(maxConsumptions),
        }),
    };
    if (Object.keys(body).length === 0) return onClose();
    const parsed = validate(ZUpdateLicenseBody, body);
    if (!parsed) return;
    update.mutate({ params: { id: license.id }, body: parsed }, { onError });
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Save"
      pending={update.isPending}
      error={update.error}
      errors={errors}
      fields={['maxActivations', 'validUntil', 'maxConsumptions']}
    >
      <NumberInput
        label="Max activations"
        required
        min={1}
        max={10000}
        value={maxActivations}
        onChange={setMaxActivations}
        error={errors.maxActivations}
        data-autofocus
      />
      {expiring && (
        <DateTimePicker
          label="Valid until"
          required
          value={validUntil}
          onChange={setValidUntil}
          error={errors.validUntil}
        />
      )}
      {license.type === 'consumption' && (
        <NumberInput
          label="Max consumptions"
          required
          min={1}
          value={maxConsumptions}
          onChange={setMaxConsumptions}
          error={errors.maxConsumptions}
        />
      )}
    </ModalForm>
  );
}

export function LicenseEditModal({
  opened,
  license,
  onClose,
}: {
  opened: boolean;
  license: License;
  onClose: () => void;
}) {
  return (
    <FormModal opened={opened} onClose={onClose} title="Edit license">
      <LicenseEditForm license={license} onClose={onClose} />
    </FormModal>
  );
}
