import type { Device, License } from '@keyledger/contract';
import {
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ListError } from '../../../components/DetailStates';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { LoadMoreButton } from '../../../components/LoadMoreButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useDeviceActions } from '../hooks/useDeviceActions';
import { useLicenseDevices } from '../hooks/useLicenses';
import { BorrowDeviceModal } from './BorrowDeviceModal';

function DeviceStatus({ device }: { device: Device }) {
  return (
    <Group gap={4} wrap="nowrap">
      {device.blacklisted ? (
        <Badge color="red" variant="light">
          Blacklisted
        </Badge>
      ) : device.active ? (
        <Badge color="green" variant="light">
          Active
        </Badge>
      ) : (
        <Badge color="gray" variant="light">
          Released
        </Badge>
      )}
      {device.borrowedUntil && (
        <Badge color="blue" variant="light">
          Borrowed until {dayjs(device.borrowedUntil).format('YYYY-MM-DD HH:mm')}
        </Badge>
      )}
    </Group>
  );
}

function DeviceRow({
  device,
  onBorrow,
  canWrite,
}: {
  device: Device;
  onBorrow: () => void;
  canWrite: boolean;
}) {
  const actions = useDeviceActions(device.licenseId);
  const params = { params: { id: device.id } };
  const name = device.name ?? device.hardwareId;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={600}>
          {name}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {device.hardwareId}
        </Text>
      </Table.Td>
      <Table.Td>{device.os ?? '—'}</Table.Td>
      <Table.Td>
        <DeviceStatus device={device} />
      </Table.Td>
      <Table.Td>{dayjs(device.activatedAt).format('YYYY-MM-DD HH:mm')}</Table.Td>
      {canWrite && (
        <Table.Td>
          <Group gap={4} justify="flex-end" wrap="nowrap">
            <ConfirmButton
              label="Reset"
              aria-label={`Reset ${name}`}
              size="compact-sm"
              variant="subtle"
              disabledReason={
                device.active ? null : 'This device holds no activation: there is nothing to reset'
              }
              title="Reset this device?"
              confirmLabel="Reset device"
              loading={actions.reset.isPending}
              onConfirm={(close) => actions.reset.mutate(params, { onSettled: close })}
            >
              {name} gives back its activation; it can activate again.
            </ConfirmButton>
            <ConfirmButton
              label="Blacklist"
              aria-label={`Blacklist ${name}`}
              size="compact-sm"
              variant="subtle"
              color="red"
              disabledReason={device.blacklisted ? 'This device is blacklisted already' : null}
              title="Blacklist this device?"
              confirmLabel="Blacklist device"
              loading={actions.blacklist.isPending}
              onConfirm={(close) => actions.blacklist.mutate(params, { onSettled: close })}
            >
              {name} loses its activation and will be refused from now on.
            </ConfirmButton>
            {device.borrowedUntil ? (
              <Button
                size="compact-sm"
                variant="subtle"
                aria-label={`Release borrow of ${name}`}
                loading={actions.releaseBorrow.isPending}
                onClick={() => actions.releaseBorrow.mutate(params)}
              >
                Release borrow
              </Button>
            ) : (
              <Button
                size="compact-sm"
                variant="subtle"
                aria-label={`Borrow ${name}`}
                disabled={!device.active || device.blacklisted}
                title={
                  device.blacklisted
                    ? 'A blacklisted device cannot borrow the license'
                    : !device.active
                      ? 'Only a device holding an activation can borrow the license'
                      : undefined
                }
                onClick={onBorrow}
              >
                Borrow
              </Button>
            )}
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

/** The machines the license is activated on, and what can be done to each. */
export function DevicesSection({ license }: { license: License }) {
  const query = useLicenseDevices(license.id);
  const [borrowing, setBorrowing] = useState<Device | null>(null);
  const canWrite = useCan('devices:write');
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="license-devices">
      <Title order={2} size="h5" id="license-devices" mb="xs">
        Devices
      </Title>
      {query.isPending ? (
        <Loader size="sm" aria-label="Loading devices" />
      ) : query.isError ? (
        <ListError what="devices" error={query.error} onRetry={() => void query.refetch()} />
      ) : query.devices.length === 0 ? (
        <Text size="sm" c="dimmed">
          No device has activated this license yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Devices">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>OS</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Activated</Table.Th>
                {canWrite && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {query.devices.map((d) => (
                <DeviceRow
                  key={d.id}
                  device={d}
                  canWrite={canWrite}
                  onBorrow={() => setBorrowing(d)}
                />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LoadMoreButton query={query} />
      <BorrowDeviceModal device={borrowing} onClose={() => setBorrowing(null)} />
    </Paper>
  );
}
