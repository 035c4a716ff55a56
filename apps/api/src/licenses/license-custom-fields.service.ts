import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type CreateLicenseCustomFieldBody } from '@keyledger/contract';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { now } from '../common/request-context';
import { LicenseCustomFieldEntity } from './license-custom-field.entity';
import { type LicenseEntity } from './license.entity';
import { LicensesService } from './licenses.service';

export const MAX_LICENSE_CUSTOM_FIELDS = 50;

const nameTaken = (name: string) => conflict(`name: this license already has a custom field "${name}"`);

/** Vendor-defined name/value pairs on a license. */
@Injectable()
export class LicenseCustomFieldsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly licenses: LicensesService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(LicenseCustomFieldEntity);
  }

  async create(licenseId: string, body: CreateLicenseCustomFieldBody): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    const current = await this.repo.find({ where: { licenseId } });
    if (current.some((f) => f.name.toLowerCase() === body.name.toLowerCase())) throw nameTaken(body.name);
    if (current.length >= MAX_LICENSE_CUSTOM_FIELDS) throw conflict(`A license has at most ${MAX_LICENSE_CUSTOM_FIELDS} custom fields`);
    const t = now();
    try {
      await this.repo.save(
        this.repo.create({ id: uuidv7(), accountId: license.accountId, licenseId, name: body.name, value: body.value, createdAt: t, updatedAt: t }),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(body.name);
      throw err;
    }
    return license;
  }

  async update(licenseId: string, fieldId: string, value: string): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    const field = await this.get(licenseId, fieldId);
    field.value = value;
    field.updatedAt = now();
    await this.repo.save(field);
    return license;
  }

  async remove(licenseId: string, fieldId: string): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    await this.repo.remove(await this.get(licenseId, fieldId));
    return license;
  }

  private async get(licenseId: string, fieldId: string): Promise<LicenseCustomFieldEntity> {
    const field = await this.repo.findOne({ where: { id: fieldId, licenseId } });
    if (!field) throw notFound('Custom field');
    return field;
  }
}
