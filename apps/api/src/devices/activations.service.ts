import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type Activation, type ActivationBody, type ConsumptionBody } from '@keyledger/contract';
import { forbidden, conflict, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { now } from '../common/request-context';
import { enterAccount } from '../database/tenant-scope';
import { normalizeLicenseKey } from '../licenses/license-key';
import { type LicenseEntity } from '../licenses/license.entity';
import { LicensesService } from '../licenses/licenses.service';
import { DeviceEntity } from './device.entity';
import { toDeviceDto } from './devices.mapper';

export function toLicenseApiView(l: LicenseEntity): Activation['license'] {
  return {
    type: l.type,
    validUntil: l.validUntil?.toISOString() ?? null,
    features: l.features,
    maxActivations: l.maxActivations,
    maxConsumptions: l.maxConsumptions,
    consumptions: l.consumptions,
  };
}

/**
 * The License API's side: end users' applications activate a license on a device and report
 * consumption, authorised by the key alone. Each call runs in a transaction holding the license's
 * row lock, so concurrent activations cannot exceed maxActivations.
 */
@Injectable()
export class ActivationsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly licenses: LicensesService,
  ) {}

  private get devices() {
    return this.txHost.tx.getRepository(DeviceEntity);
  }

  /** `created` is false when this device already held an activation of the license. */
  async activate(body: ActivationBody): Promise<{ created: boolean; activation: Activation }> {
    return this.txHost.withTransaction(async () => {
      const license = await this.usableLicense(body.licenseKey);
      const t = now();
      let device = await this.devices.findOne({ where: { licenseId: license.id, hardwareId: body.hardwareId } });
      if (device?.blacklisted) throw forbidden('This device is blacklisted for this license');
      const created = !device?.active;
      if (created) {
        const inUse = await this.devices.count({ where: { licenseId: license.id, active: true } });
        if (inUse >= license.maxActivations) {
          throw conflict(`All ${license.maxActivations} activation${license.maxActivations === 1 ? '' : 's'} of this license are in use`);
        }
      }
      device ??= this.devices.create({
        id: uuidv7(),
        accountId: license.accountId,
        licenseId: license.id,
        orderId: license.orderId,
        customerId: license.customerId,
        productId: license.productId,
        hardwareId: body.hardwareId,
        blacklisted: false,
        borrowedUntil: null,
        createdAt: t,
      });
      Object.assign(device, { active: true, name: body.name ?? device.name ?? null, os: body.os ?? device.os ?? null, updatedAt: t });
      if (created) device.activatedAt = t;
      device = await this.devices.save(device);
      return { created, activation: { device: toDeviceDto(device), license: toLicenseApiView(license) } };
    });
  }

  async consume(body: ConsumptionBody): Promise<Activation['license']> {
    return this.txHost.withTransaction(async () => {
      const license = await this.usableLicense(body.licenseKey);
      const device = await this.devices.findOne({ where: { licenseId: license.id, hardwareId: body.hardwareId } });
      if (!device?.active) throw forbidden('This device has not activated the license: activate it first');
      return toLicenseApiView(await this.licenses.addConsumptions(license, body.consumptions));
    });
  }

  /**
   * The license a key names, locked: 404 unknown (or deleted), 403 disabled or expired. The key is
   * looked up as the owner (no account is known before it: keys are unique across accounts); from
   * then on the transaction runs inside the license's account, behind row-level security.
   */
  private async usableLicense(key: string): Promise<LicenseEntity> {
    const license = await this.licenses.findByKey(normalizeLicenseKey(key), 'pessimistic_write');
    if (!license || license.deletedAt) throw notFound('License key');
    await enterAccount(this.txHost.tx, license.accountId);
    if (!license.enabled) throw forbidden('This license is disabled');
    if (license.validUntil && license.validUntil <= now()) throw forbidden(`This license expired on ${license.validUntil.toISOString()}`);
    return license;
  }
}
