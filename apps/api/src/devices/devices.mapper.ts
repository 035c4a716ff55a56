import { type Device } from '@keyledger/contract';
import { type DeviceEntity } from './device.entity';

export function toDeviceDto(d: DeviceEntity): Device {
  return {
    id: d.id,
    licenseId: d.licenseId,
    hardwareId: d.hardwareId,
    name: d.name,
    os: d.os,
    active: d.active,
    blacklisted: d.blacklisted,
    borrowedUntil: d.borrowedUntil?.toISOString() ?? null,
    activatedAt: d.activatedAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}
