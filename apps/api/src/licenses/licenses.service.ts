import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { In } from 'typeorm';
import {
  type CreateLicenseBody,
  EXPIRING_LICENSE_TYPES,
  type License,
  type UpdateLicenseBody,
} from '@keyledger/contract';
import { badRequest, conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { newestFirstPage, type Page } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { OrdersService } from '../orders/orders.service';
import { type ProductEntity } from '../products/product.entity';
import { ProductsService } from '../products/products.service';
import { LicenseCustomFieldEntity } from './license-custom-field.entity';
import { generateLicenseKey, normalizeLicenseKey } from './license-key';
import { LicenseUserEntity } from './license-user.entity';
import { LicenseEntity } from './license.entity';
import { toLicenseDto } from './licenses.mapper';

type Lock = 'pessimistic_read' | 'pessimistic_write';

/** 400 naming the first feature the product does not have. */
function assertProductHasFeatures(product: ProductEntity, features: string[]) {
  const missing = features.filter((f) => !product.features.includes(f));
  if (missing.length) {
    const list = missing.map((f) => `"${f}"`).join(', ');
    throw badRequest(`features: the product ${product.name} has no feature ${list}`, [
      { path: 'body.features', message: `not a feature of ${product.name}: ${list}` },
    ]);
  }
}

function assertInFuture(validUntil: string) {
  if (new Date(validUntil) <= now()) {
    throw badRequest('validUntil: must be in the future', [{ path: 'body.validUntil', message: 'must be in the future' }]);
  }
}

/** A license's life: issue, change, enable/disable, features, consumption, delete. */
@Injectable()
export class LicensesService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
  ) {}

  private get repo() {
    return this.txHost.tx.getRepository(LicenseEntity);
  }

  async list(query: {
    limit: number;
    cursor?: string;
    orderId?: string;
    productId?: string;
    customerId?: string;
    key?: string;
  }): Promise<Page<License>> {
    const qb = this.repo.createQueryBuilder('l').where('l.account_id = :a AND l.deleted_at IS NULL', { a: currentAccountId() });
    if (query.orderId) qb.andWhere('l.order_id = :orderId', { orderId: query.orderId });
    if (query.productId) qb.andWhere('l.product_id = :productId', { productId: query.productId });
    if (query.customerId) qb.andWhere('l.customer_id = :customerId', { customerId: query.customerId });
    if (query.key) {
      // A full key, part of one, or a masked key as entries show it (****-****-****-NPQR: its last group).
      const part = normalizeLicenseKey(query.key).replace(/^[*-]+/, '');
      if (part) qb.andWhere(`l.key LIKE :keyPart ESCAPE '\\'`, { keyPart: `%${part.replace(/[\\%_]/g, '\\$&')}%` });
    }
    const page = await newestFirstPage(qb, query);
    return { items: await this.viewAll(page.items), nextCursor: page.nextCursor };
  }

  async view(license: LicenseEntity): Promise<License> {
    const [dto] = await this.viewAll([license]);
    return dto!;
  }

  private async viewAll(licenses: LicenseEntity[]): Promise<License[]> {
    if (!licenses.length) return [];
    // One after the other: inside a transaction both would share one connection.
    const where = { licenseId: In(licenses.map((l) => l.id)) };
    const users = await this.txHost.tx.getRepository(LicenseUserEntity).find({ where, order: { createdAt: 'ASC' } });
    const fields = await this.txHost.tx.getRepository(LicenseCustomFieldEntity).find({ where, order: { createdAt: 'ASC' } });
    return licenses.map((l) =>
      toLicenseDto(
        l,
        users.filter((u) => u.licenseId === l.id),
        fields.filter((f) => f.licenseId === l.id),
      ),
    );
  }

  /** The license, deleted or not; 404 when it is not in the caller's account. */
  async get(id: string): Promise<LicenseEntity> {
    const license = await this.repo.findOne({ where: { id, accountId: currentAccountId() } });
    if (!license) throw notFound('License');
    return license;
  }

  /** A license that can still be changed. */
  async getLive(id: string): Promise<LicenseEntity> {
    const license = await this.get(id);
    if (license.deletedAt) throw conflict('This license is deleted and can no longer be changed');
    return license;
  }

  /** For the License API, which knows no account: the license a key names, deleted or not. */
  async findByKey(key: string, lock?: Lock): Promise<LicenseEntity | null> {
    return this.repo.findOne({ where: { key }, ...(lock && { lock: { mode: lock } }) });
  }

  async create(body: CreateLicenseBody): Promise<LicenseEntity> {
    const order = await this.orders.getLive(body.orderId, 'pessimistic_read');
    const product = await this.products.getLive(body.productId);
    if (product.status !== 'active') throw conflict(`The product ${product.name} is inactive: activate it to issue licenses`);
    if (product.archived) throw conflict(`The product ${product.name} is archived: unarchive it to issue licenses`);
    const features = body.features ?? [];
    assertProductHasFeatures(product, features);
    if (body.validUntil) assertInFuture(body.validUntil);
    const t = now();
    const license = this.repo.create({
      id: uuidv7(),
      accountId: currentAccountId(),
      orderId: order.id,
      customerId: order.customerId,
      productId: product.id,
      key: generateLicenseKey(),
      type: body.type,
      enabled: true,
      maxActivations: body.maxActivations,
      validUntil: body.validUntil ? new Date(body.validUntil) : null,
      maxConsumptions: body.maxConsumptions ?? null,
      consumptions: 0,
      features,
      createdAt: t,
      updatedAt: t,
      deletedAt: null,
    });
    try {
      return await this.repo.save(license);
    } catch (err) {
      // 80 random bits: a collision is all but impossible, and then the caller may simply retry.
      if (isUniqueViolation(err)) throw conflict('The generated license key was already taken; try again');
      throw err;
    }
  }

  async update(id: string, body: UpdateLicenseBody): Promise<LicenseEntity> {
    const license = await this.getLive(id);
    if (body.validUntil !== undefined) {
      if (!EXPIRING_LICENSE_TYPES.includes(license.type)) {
        throw badRequest(`validUntil: a ${license.type} license does not expire`, [{ path: 'body.validUntil', message: `a ${license.type} license does not expire` }]);
      }
      assertInFuture(body.validUntil);
      license.validUntil = new Date(body.validUntil);
    }
    if (body.maxConsumptions !== undefined) {
      if (license.type !== 'consumption') {
        throw badRequest('maxConsumptions: only consumption licenses count consumptions', [
          { path: 'body.maxConsumptions', message: 'only consumption licenses count consumptions' },
        ]);
      }
      license.maxConsumptions = body.maxConsumptions;
    }
    if (body.maxActivations !== undefined) license.maxActivations = body.maxActivations;
    return this.touch(license);
  }

  async setEnabled(id: string, enabled: boolean): Promise<LicenseEntity> {
    const license = await this.getLive(id);
    if (license.enabled === enabled) throw conflict(`This license is already ${enabled ? 'enabled' : 'disabled'}`);
    license.enabled = enabled;
    return this.touch(license);
  }

  async resetConsumption(id: string): Promise<LicenseEntity> {
    const license = await this.getLive(id);
    if (license.type !== 'consumption') throw conflict(`This is a ${license.type} license: only consumption licenses count consumptions`);
    if (license.consumptions === 0) throw conflict('This license has no consumptions to reset');
    license.consumptions = 0;
    return this.touch(license);
  }

  async setFeatures(id: string, features: string[]): Promise<LicenseEntity> {
    const license = await this.getLive(id);
    assertProductHasFeatures(await this.products.get(license.productId), features);
    license.features = features;
    return this.touch(license);
  }

  async remove(id: string): Promise<void> {
    const license = await this.getLive(id);
    license.deletedAt = now();
    await this.touch(license);
  }

  /** Counts consumptions reported through the License API; the caller holds the license's row lock. */
  async addConsumptions(license: LicenseEntity, consumptions: number): Promise<LicenseEntity> {
    if (license.type !== 'consumption') throw conflict(`This is a ${license.type} license: it does not count consumptions`);
    const total = license.consumptions + consumptions;
    if (license.maxConsumptions !== null && total > license.maxConsumptions) {
      throw conflict(`Only ${license.maxConsumptions - license.consumptions} of ${license.maxConsumptions} consumptions are left`);
    }
    license.consumptions = total;
    return this.touch(license);
  }

  private touch(license: LicenseEntity): Promise<LicenseEntity> {
    license.updatedAt = now();
    return this.repo.save(license);
  }
}
