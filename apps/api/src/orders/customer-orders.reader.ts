import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { currentAccountId } from '../common/request-context';
import { type CustomerOrders } from '../customers/customer-orders.port';
import { OrderEntity } from './order.entity';

/** Answers CUSTOMER_ORDERS for the customers module. */
@Injectable()
export class CustomerOrdersReader implements CustomerOrders {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  countLiveForCustomer(customerId: string): Promise<number> {
    return this.txHost.tx.getRepository(OrderEntity).count({ where: { accountId: currentAccountId(), customerId, deletedAt: IsNull() } });
  }
}
