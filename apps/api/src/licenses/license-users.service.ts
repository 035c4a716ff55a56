import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type AssignLicenseUserBody } from '@keyledger/contract';
import { conflict, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { now } from '../common/request-context';
import { LicenseUserEntity } from './license-user.entity';
import { type LicenseEntity } from './license.entity';
import { LicensesService } from './licenses.service';

export const MAX_LICENSE_USERS = 100;

/** The people a license is assigned to. */
@Injectable()
export class LicenseUsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly licenses: LicensesService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(LicenseUserEntity);
  }

  async assign(licenseId: string, body: AssignLicenseUserBody): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    const current = await this.repo.find({ where: { licenseId } });
    if (current.some((u) => u.email === body.email)) throw conflict(`email: ${body.email} is already assigned to this license`);
    if (current.length >= MAX_LICENSE_USERS) throw conflict(`A license has at most ${MAX_LICENSE_USERS} users`);
    await this.repo.save(
      this.repo.create({
        id: uuidv7(),
        accountId: license.accountId,
        licenseId,
        email: body.email,
        firstName: body.firstName ?? null,
        lastName: body.lastName ?? null,
        createdAt: now(),
      }),
    );
    return license;
  }

  async unassign(licenseId: string, licenseUserId: string): Promise<LicenseEntity> {
    const license = await this.licenses.getLive(licenseId);
    const user = await this.repo.findOne({ where: { id: licenseUserId, licenseId } });
    if (!user) throw notFound('License user');
    await this.repo.remove(user);
    return license;
  }
}
