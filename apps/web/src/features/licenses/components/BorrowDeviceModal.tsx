import type { Device } from '@keyledger/contract';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { useState } from 'react';
import { FormModal, ModalForm, useFieldErrors } from '../../../components/form/FormModal';
import { useDeviceActions } from '../hooks/useDeviceActions';

function BorrowForm({ device, onClose }: { device: Device; onClose: () => void }) {
  const [until, setUntil] = useState<string | null>(
    dayjs().add(7, 'day').startOf('hour').format('YYYY-MM-DD HH:mm:ss'),
  );
  const { errors, setErrors, onError } = useFieldErrors();
  const { borrow } = useDeviceActions(device.licenseId, onClose);

  const submit = () => {
    if (!until || !dayjs(until).isAfter(dayjs()))
      return setErrors({ until: 'Choose a date in the future' });
    setErrors({});
    borrow.mutate(
      { params: { id: device.id }, body: { until: dayjs(until).toISOString() } },
      { onError },
    );
  };

  return (
    <ModalForm
      onSubmit={submit}
      onCancel={onClose}
      submitLabel="Borrow"
      pending={borrow.isPending}
      error={borrow.error}
      errors={errors}
      fields={['until']}
    >
      <DateTimePicker
        label="Borrow until"
        description="The device may run offline until then"
        required
        value={until}
        onChange={setUntil}
        minDate={new Date()}
        error={errors.until}
      />
    </ModalForm>
  );
}

export function BorrowDeviceModal({
  device,
  onClose,
}: {
  device: Device | null;
  onClose: () => void;
}) {
  return (
    <FormModal opened={device !== null} onClose={onClose} title="Borrow device">
      {device && <BorrowForm device={device} onClose={onClose} />}
    </FormModal>
  );
}
