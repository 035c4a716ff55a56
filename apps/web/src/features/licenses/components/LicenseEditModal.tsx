import { EXPIRING_LICENSE_TYPES, type License, ZUpdateLicenseBody } from '@keyledger/contract';
import { Alert, Button, Group, Modal, NumberInput, Stack } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { apiErrorMessage, apiFieldErrors } from '../../../api/errors';
import { zodFieldErrors } from '../../../utils/zodFieldErrors';
import { useLicenseForms } from '../hooks/useLicenseMutations';

function LicenseEditForm({ license, onClose }: { license: License; onClose: () => void }) {
  const [maxActivations, setMaxActivations] = useState<number | string>(license.maxActivations);
  const [validUntil, setValidUntil] = useState<string | null>(
    license.validUntil ? dayjs(license.validUntil).format('YYYY-MM-DD HH:mm:ss') : null,
  );
  const [maxConsumptions, setMaxConsumptions] = useState<number | string>(
    license.maxConsumptions ?? '',
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { update } = useLicenseForms(license.id, onClose);
  const expiring = EXPIRING_LICENSE_TYPES.includes(license.type);

  const submit = (e: FormEvent) => {
    e.preventDefault();
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
    const parsed = ZUpdateLicenseBody.safeParse(body);
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    update.mutate(
      { params: { id: license.id }, body: parsed.data },
      { onError: (error) => setErrors(apiFieldErrors(error)) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {update.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" role="alert">
            {apiErrorMessage(update.error)}
          </Alert>
        )}
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
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
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
    <Modal opened={opened} onClose={onClose} title="Edit license" centered>
      {opened && <LicenseEditForm license={license} onClose={onClose} />}
    </Modal>
  );
}
