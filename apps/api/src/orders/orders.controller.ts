import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { AuditQueryService } from '../audit/audit-query.service';
import { Audited } from '../audit/audited.decorator';
import { OrdersService } from './orders.service';

const c = contract.orders;

@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly auditLog: AuditQueryService,
  ) {}

  @TsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog })
  read() {
    return tsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog }, {
      list: async ({ query }) => ({ status: 200, body: await this.orders.list(query) }),
      get: async ({ params }) => ({ status: 200, body: await this.orders.view(await this.orders.get(params.id)) }),
      auditLog: async ({ params, query }) => {
        await this.orders.get(params.id);
        return { status: 200, body: await this.auditLog.itemHistory('order', params.id, query) };
      },
    });
  }

  @TsRestHandler(c.create)
  @Audited('order_created', { target: 'order' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({ status: 201, body: await this.orders.view(await this.orders.create(body)) }));
  }

  @TsRestHandler(c.update)
  @Audited('order_updated', { target: 'order' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: await this.orders.view(await this.orders.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.addManager)
  @Audited('order_manager_added', { target: 'order' })
  addManager() {
    return tsRestHandler(c.addManager, async ({ params, body }) => ({
      status: 201,
      body: await this.orders.view(await this.orders.addManager(params.id, body.email)),
    }));
  }

  @TsRestHandler(c.removeManager)
  @Audited('order_manager_removed', { target: 'order' })
  removeManager() {
    return tsRestHandler(c.removeManager, async ({ params }) => ({
      status: 200,
      body: await this.orders.view(await this.orders.removeManager(params.id, params.managerId)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('order_deleted', { target: 'order' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.orders.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
