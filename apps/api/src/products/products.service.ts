import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type CreateProductBody, type Product, type UpdateProductBody } from '@keyledger/contract';
import { conflict, isUniqueViolation, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { containsPattern, mapPage, newestFirstPage } from '../common/keyset';
import { currentAccountId, now } from '../common/request-context';
import { ProductEntity } from './product.entity';

export function toProductDto(p: ProductEntity): Product {
  return {
    id: p.id,
    name: p.name,
    code: p.code,
    features: p.features,
    status: p.status,
    archived: p.archived,
    deletedAt: p.deletedAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

@Injectable()
export class ProductsService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get repo() {
    return this.txHost.tx.getRepository(ProductEntity);
  }

  async list(query: { limit: number; cursor?: string; search?: string }) {
    const qb = this.repo
      .createQueryBuilder('p')
      .where('p.account_id = :accountId AND p.deleted_at IS NULL', { accountId: currentAccountId() });
    if (query.search) qb.andWhere('(p.name ILIKE :s OR p.code ILIKE :s)', { s: containsPattern(query.search) });
    return mapPage(await newestFirstPage(qb, query), toProductDto);
  }

  /** The product, deleted or not; 404 when it is not in the caller's account. */
  async get(id: string): Promise<ProductEntity> {
    const product = await this.repo.findOne({ where: { id, accountId: currentAccountId() } });
    if (!product) throw notFound('Product');
    return product;
  }

  /** A product that can still be changed. */
  async getLive(id: string): Promise<ProductEntity> {
    const product = await this.get(id);
    if (product.deletedAt) throw conflict('This product is deleted and can no longer be changed');
    return product;
  }

  async create(body: CreateProductBody): Promise<ProductEntity> {
    await this.assertCodeFree(body.code);
    const t = now();
    return this.save(
      this.repo.create({
        id: uuidv7(),
        accountId: currentAccountId(),
        name: body.name,
        code: body.code,
        features: body.features ?? [],
        status: 'active',
        archived: false,
        createdAt: t,
        updatedAt: t,
        deletedAt: null,
      }),
    );
  }

  async update(id: string, body: UpdateProductBody): Promise<ProductEntity> {
    const product = await this.getLive(id);
    if (body.code !== undefined && body.code.toLowerCase() !== product.code.toLowerCase()) await this.assertCodeFree(body.code);
    Object.assign(product, body, { updatedAt: now() });
    return this.save(product);
  }

  async setStatus(id: string, status: Product['status']): Promise<ProductEntity> {
    const product = await this.getLive(id);
    if (product.status === status) throw conflict(`This product is already ${status}`);
    product.status = status;
    product.updatedAt = now();
    return this.save(product);
  }

  async setArchived(id: string, archived: boolean): Promise<ProductEntity> {
    const product = await this.getLive(id);
    if (product.archived === archived) throw conflict(`This product is ${archived ? 'already archived' : 'not archived'}`);
    product.archived = archived;
    product.updatedAt = now();
    return this.save(product);
  }

  async remove(id: string): Promise<void> {
    const product = await this.getLive(id);
    product.deletedAt = now();
    await this.save(product);
  }

  private async assertCodeFree(code: string) {
    const taken = await this.repo
      .createQueryBuilder('p')
      .where('p.account_id = :a AND lower(p.code) = lower(:code) AND p.deleted_at IS NULL', { a: currentAccountId(), code })
      .getExists();
    if (taken) throw conflict(`code: another product already uses the code "${code}"`);
  }

  private async save(product: ProductEntity): Promise<ProductEntity> {
    try {
      return await this.repo.save(product);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`code: another product already uses the code "${product.code}"`);
      throw err;
    }
  }
}
