import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { Audited } from '../audit/audited.decorator';
import { AuditQueryService } from '../audit/audit-query.service';
import { ProductsService, toProductDto } from './products.service';

const c = contract.products;

@Controller()
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly auditLog: AuditQueryService,
  ) {}

  @TsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog })
  read() {
    return tsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog }, {
      list: async ({ query }) => ({ status: 200, body: await this.products.list(query) }),
      get: async ({ params }) => ({ status: 200, body: toProductDto(await this.products.get(params.id)) }),
      auditLog: async ({ params, query }) => {
        await this.products.get(params.id);
        return { status: 200, body: await this.auditLog.itemHistory('product', params.id, query) };
      },
    });
  }

  @TsRestHandler(c.create)
  @Audited('product_created', { target: 'product' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({ status: 201, body: toProductDto(await this.products.create(body)) }));
  }

  @TsRestHandler(c.update)
  @Audited('product_updated', { target: 'product' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: toProductDto(await this.products.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.activate)
  @Audited('product_activated', { target: 'product' })
  activate() {
    return tsRestHandler(c.activate, async ({ params }) => ({
      status: 200,
      body: toProductDto(await this.products.setStatus(params.id, 'active')),
    }));
  }

  @TsRestHandler(c.deactivate)
  @Audited('product_deactivated', { target: 'product' })
  deactivate() {
    return tsRestHandler(c.deactivate, async ({ params }) => ({
      status: 200,
      body: toProductDto(await this.products.setStatus(params.id, 'inactive')),
    }));
  }

  @TsRestHandler(c.archive)
  @Audited('product_archived', { target: 'product' })
  archive() {
    return tsRestHandler(c.archive, async ({ params }) => ({
      status: 200,
      body: toProductDto(await this.products.setArchived(params.id, true)),
    }));
  }

  @TsRestHandler(c.unarchive)
  @Audited('product_unarchived', { target: 'product' })
  unarchive() {
    return tsRestHandler(c.unarchive, async ({ params }) => ({
      status: 200,
      body: toProductDto(await this.products.setArchived(params.id, false)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('product_deleted', { target: 'product' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.products.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
