import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { currentAccountId } from '../common/request-context';
import { type OrderLicenses } from '../orders/order-licenses.port';
import { LicenseEntity } from './license.entity';

/** Answers ORDER_LICENSES for the orders module. */
@Injectable()
export class OrderLicensesReader implements OrderLicenses {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  countLiveForOrder(orderId: string): Promise<number> {
    return this.txHost.tx.getRepository(LicenseEntity).count({ where: { accountId: currentAccountId(), orderId, deletedAt: IsNull() } });
  }
}
