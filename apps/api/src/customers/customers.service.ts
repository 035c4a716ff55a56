import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull } from 'typeorm';
import { type CreateCustomerBody, type Customer, type UpdateCustomerBody } from '@keyledger/contract';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { containsPattern, mapPage, newestFirstPage, type Page } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { CustomerEntity } from './customer.entity';
import { ItemReferences } from '../references/item-references';

export function toCustomerDto(c: CustomerEntity): Customer {
  return {
    id: c.id,
    email: c.email,
    firstName: c.firstName,
    lastName: c.lastName,
    company: c.company,
    phone: c.phone,
    reference: c.reference,
    deletedAt: c.deletedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const emailTaken = (email: string) => conflict(`email: another customer already has the email ${email}`);

@Injectable()
export class CustomersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly references: ItemReferences,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(CustomerEntity);
  }

  async list(query: { limit: number; cursor?: string; search?: string }): Promise<Page<Customer>> {
    const qb = this.repo.createQueryBuilder('c').where('c.account_id = :a AND c.deleted_at IS NULL', { a: currentAccountId() });
    if (query.search) {
      qb.andWhere(
        `(c.email ILIKE :s OR c.company ILIKE :s OR concat_ws(' ', c.first_name, c.last_name) ILIKE :s)`,
        { s: containsPattern(query.search) },
      );
    }
    return mapPage(await newestFirstPage(qb, query), toCustomerDto);
  }

  /** The customer, deleted or not; 404 when it is not in the caller's account. */
  async get(id: string, lock?: 'pessimistic_read' | 'pessimistic_write'): Promise<CustomerEntity> {
    const customer = await this.repo.findOne({ where: { id, accountId: currentAccountId() }, ...(lock && { lock: { mode: lock } }) });
    if (!customer) throw notFound('Customer');
    return customer;
  }

  /**
   * A customer that can still be changed or given orders. `lock` holds its row until commit: orders
   * are created under a read lock and the customer deleted under a write lock, so neither misses the other.
   */
  async getLive(id: string, lock?: 'pessimistic_read' | 'pessimistic_write'): Promise<CustomerEntity> {
    const customer = await this.get(id, lock);
    if (customer.deletedAt) throw conflict('This customer is deleted');
    return customer;
  }

  async create(body: CreateCustomerBody): Promise<CustomerEntity> {
    await this.assertEmailFree(body.email);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        email: body.email,
        firstName: body.firstName ?? null,
        lastName: body.lastName ?? null,
        company: body.company ?? null,
        phone: body.phone ?? null,
        reference: body.reference ?? null,
        createdAt: t,
        updatedAt: t,
        deletedAt: null,
      }),
    );
  }

  async update(id: string, body: UpdateCustomerBody): Promise<CustomerEntity> {
    const customer = await this.getLive(id);
    if (body.email !== undefined && body.email !== customer.email) await this.assertEmailFree(body.email);
    Object.assign(customer, body, { updatedAt: now() });
    return this.save(customer);
  }

  async remove(id: string): Promise<void> {
    const customer = await this.getLive(id, 'pessimistic_write');
    const orders = await this.references.liveOrdersOfCustomer(id);
    if (orders > 0) throw conflict(`This customer has ${orders} order${orders === 1 ? '' : 's'}: delete them first`);
    customer.deletedAt = now();
    await this.save(customer);
  }

  private async assertEmailFree(email: string) {
    if (await this.repo.exists({ where: { accountId: currentAccountId(), email, deletedAt: IsNull() } })) throw emailTaken(email);
  }

  private async save(customer: CustomerEntity): Promise<CustomerEntity> {
    try {
      return await this.repo.save(customer);
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken(customer.email);
      throw err;
    }
  }
}
