import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type Device } from '@keyledger/contract';
import { badRequest, conflict, notFound } from '../common/errors';
import { mapPage, newestFirstPage, type Page } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { type LicenseEntity } from '../licenses/license.entity';
import { LicensesService } from '../licenses/licenses.service';
import { DeviceEntity } from './device.entity';
import { toDeviceDto } from './devices.mapper';

const isBorrowed = (d: DeviceEntity) => d.borrowedUntil !== null && d.borrowedUntil > now();

/** What vendor staff do to a license's activations. */
@Injectable()
export class DevicesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly licenses: LicensesService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(DeviceEntity);
  }

  async listForLicense(licenseId: string, query: { limit: number; cursor?: string }): Promise<Page<Device>> {
    await this.licenses.get(licenseId);
    const qb = this.repo.createQueryBuilder('d').where('d.account_id = :a AND d.license_id = :licenseId', { a: currentAccountId(), licenseId });
    return mapPage(await newestFirstPage(qb, query), toDeviceDto);
  }

  /** license_reset: every active device of the license gives its activation back. */
  async releaseAll(licenseId: string): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    const active = await this.repo.find({ where: { licenseId, active: true } });
    if (!active.length) throw conflict('This license has no activations to reset');
    // One by one: TypeORM would send an array's updates at once over the transaction's one connection.
    for (const device of active) await this.repo.save(this.release(device));
    return license;
  }

  async reset(id: string): Promise<DeviceEntity> {
    const device = await this.getLive(id);
    if (!device.active) throw conflict('This device holds no activation to reset');
    return this.save(this.release(device));
  }

  async blacklist(id: string): Promise<DeviceEntity> {
    const device = await this.getLive(id);
    if (device.blacklisted) throw conflict('This device is already blacklisted');
    this.release(device).blacklisted = true;
    return this.save(device);
  }

  async borrow(id: string, until: string): Promise<DeviceEntity> {
    const { device, license } = await this.getLiveWithLicense(id);
    if (device.blacklisted) throw conflict('A blacklisted device cannot borrow its license');
    if (!device.active) throw conflict('Only an activated device can borrow its license');
    if (!license.enabled) throw conflict('The license is disabled: its devices cannot borrow it');
    const end = new Date(until);
    if (end <= now()) throw badRequest('until: must be in the future', [{ path: 'body.until', message: 'must be in the future' }]);
    if (license.validUntil && end > license.validUntil) {
      const message = `must not be after the license's validUntil (${license.validUntil.toISOString()})`;
      throw badRequest(`until: ${message}`, [{ path: 'body.until', message }]);
    }
    device.borrowedUntil = end;
    return this.save(device);
  }

  async releaseBorrow(id: string): Promise<DeviceEntity> {
    const device = await this.getLive(id);
    if (!isBorrowed(device)) throw conflict('This device is not borrowing its license');
    device.borrowedUntil = null;
    return this.save(device);
  }

  private release(device: DeviceEntity): DeviceEntity {
    device.active = false;
    device.borrowedUntil = null;
    device.updatedAt = now();
    return device;
  }

  private async getLive(id: string): Promise<DeviceEntity> {
    return (await this.getLiveWithLicense(id)).device;
  }

  /** A device of the caller's account whose license is not deleted (404 / 409). */
  private async getLiveWithLicense(id: string): Promise<{ device: DeviceEntity; license: LicenseEntity }> {
    const device = await this.repo.findOne({ where: { id, accountId: currentAccountId() } });
    if (!device) throw notFound('Device');
    const license = await this.licenses.get(device.licenseId);
    if (license.deletedAt) throw conflict("This device's license is deleted");
    return { device, license };
  }

  private save(device: DeviceEntity): Promise<DeviceEntity> {
    device.updatedAt = now();
    return this.repo.save(device);
  }
}
