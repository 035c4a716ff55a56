import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import { type CreateOrderBody, type Order, type UpdateOrderBody } from '@keyledger/contract';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { containsPattern, newestFirstPage, type Page } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { CustomersService } from '../customers/customers.service';
import { OrderEntity } from './order.entity';
import { ItemReferences } from '../references/item-references';
import { OrderManagerEntity } from './order-manager.entity';

export const MAX_ORDER_MANAGERS = 20;

function toOrderDto(o: OrderEntity, managers: OrderManagerEntity[]): Order {
  return {
    id: o.id,
    reference: o.reference,
    customerId: o.customerId,
    isTrial: o.isTrial,
    notes: o.notes,
    managers: managers.map((m) => ({ id: m.id, email: m.email, createdAt: m.createdAt.toISOString() })),
    deletedAt: o.deletedAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

const referenceTaken = (reference: string) => conflict(`reference: another order already has the reference "${reference}"`);

@Injectable()
export class OrdersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly customers: CustomersService,
    private readonly references: ItemReferences,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(OrderEntity);
  }

  private get managers() {
    return this.txHost.tx.getRepository(OrderManagerEntity);
  }

  async list(query: { limit: number; cursor?: string; customerId?: string; search?: string }): Promise<Page<Order>> {
    const qb = this.repo.createQueryBuilder('o').where('o.account_id = :a AND o.deleted_at IS NULL', { a: currentAccountId() });
    if (query.customerId) qb.andWhere('o.customer_id = :customerId', { customerId: query.customerId });
    if (query.search) qb.andWhere('o.reference ILIKE :s', { s: containsPattern(query.search) });
    const page = await newestFirstPage(qb, query);
    const managers = page.items.length
      ? await this.managers.find({ where: { orderId: In(page.items.map((o) => o.id)) }, order: { createdAt: 'ASC' } })
      : [];
    return { items: page.items.map((o) => toOrderDto(o, managers.filter((m) => m.orderId === o.id))), nextCursor: page.nextCursor };
  }

  async view(order: OrderEntity): Promise<Order> {
    return toOrderDto(order, await this.managers.find({ where: { orderId: order.id }, order: { createdAt: 'ASC' } }));
  }

  /** The order, deleted or not; 404 when it is not in the caller's account. */
  async get(id: string, lock?: 'pessimistic_read' | 'pessimistic_write'): Promise<OrderEntity> {
    const order = await this.repo.findOne({ where: { id, accountId: currentAccountId() }, ...(lock && { lock: { mode: lock } }) });
    if (!order) throw notFound('Order');
    return order;
  }

  /** An order that can still be changed or given licenses (row-locked when asked, like customers). */
  async getLive(id: string, lock?: 'pessimistic_read' | 'pessimistic_write'): Promise<OrderEntity> {
    const order = await this.get(id, lock);
    if (order.deletedAt) throw conflict('This order is deleted');
    return order;
  }

  async create(body: CreateOrderBody): Promise<OrderEntity> {
    const customer = await this.customers.getLive(body.customerId, 'pessimistic_read');
    await this.assertReferenceFree(body.reference);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        customerId: customer.id,
        reference: body.reference,
        isTrial: body.isTrial ?? false,
        notes: body.notes ?? null,
        createdAt: t,
        updatedAt: t,
        deletedAt: null,
      }),
    );
  }

  async update(id: string, body: UpdateOrderBody): Promise<OrderEntity> {
    const order = await this.getLive(id);
    if (body.reference !== undefined && body.reference.toLowerCase() !== order.reference.toLowerCase()) {
      await this.assertReferenceFree(body.reference);
    }
    Object.assign(order, body, { updatedAt: now() });
    return this.save(order);
  }

  async addManager(id: string, email: string): Promise<OrderEntity> {
    const order = await this.getLive(id);
    const current = await this.managers.find({ where: { orderId: id } });
    if (current.some((m) => m.email === email)) throw conflict(`email: ${email} already manages this order`);
    if (current.length >= MAX_ORDER_MANAGERS) throw conflict(`An order has at most ${MAX_ORDER_MANAGERS} managers`);
    await this.managers.save(
      this.managers.create({ id: uuidv7(), accountId: order.accountId, orderId: id, email, createdAt: now() }),
    );
    return order;
  }

  async removeManager(id: string, managerId: string): Promise<OrderEntity> {
    const order = await this.getLive(id);
    const manager = await this.managers.findOne({ where: { id: managerId, orderId: id } });
    if (!manager) throw notFound('Order manager');
    await this.managers.remove(manager);
    return order;
  }

  async remove(id: string): Promise<void> {
    const order = await this.getLive(id, 'pessimistic_write');
    const licenses = await this.references.liveLicensesOfOrder(id);
    if (licenses > 0) throw conflict(`This order has ${licenses} license${licenses === 1 ? '' : 's'}: delete them first`);
    order.deletedAt = now();
    await this.save(order);
  }

  private async assertReferenceFree(reference: string) {
    const taken = await this.repo
      .createQueryBuilder('o')
      .where('o.account_id = :a AND lower(o.reference) = lower(:reference) AND o.deleted_at IS NULL', { a: currentAccountId(), reference })
      .getExists();
    if (taken) throw referenceTaken(reference);
  }

  private async save(order: OrderEntity): Promise<OrderEntity> {
    try {
      return await this.repo.save(order);
    } catch (err) {
      if (isUniqueViolation(err)) throw referenceTaken(order.reference);
      throw err;
    }
  }
}
