import type { Device } from '@keyledger/contract';
import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { apiErrorLines } from '../../../api/errors';
import { useDeviceActions } from '../hooks/useDeviceActions';

function BorrowForm({ device, onClose }: { device: Device; onClose: () => void }) {
  const [until, setUntil] = useState<string | null>(
    dayjs().add(7, 'day').startOf('hour').format('YYYY-MM-DD HH:mm:ss'),
  );
  const [error, setError] = useState<string | null>(null);
  const { borrow } = useDeviceActions(device.licenseId, onClose);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!until || !dayjs(until).isAfter(dayjs())) return setError('Choose a date in the future');
    setError(null);
    borrow.mutate({ params: { id: device.id }, body: { until: dayjs(until).toISOString() } });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {borrow.isError && (
          <Alert color="red" role="alert">
            {apiErrorLines(borrow.error).join(' ')}
          </Alert>
        )}
        <DateTimePicker
          label="Borrow until"
          description="The device may run offline until then"
          required
          value={until}
          onChange={setUntil}
          minDate={new Date()}
          error={error}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={borrow.isPending}>
            Borrow
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function BorrowDeviceModal({ device, onClose }: { device: Device | null; onClose: () => void }) {
  return (
    <Modal opened={device !== null} onClose={onClose} title="Borrow device" centered>
      {device && <BorrowForm device={device} onClose={onClose} />}
    </Modal>
  );
}
