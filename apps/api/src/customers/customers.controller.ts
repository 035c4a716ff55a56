import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { AuditQueryService } from '../audit/audit-query.service';
import { Audited } from '../audit/audited.decorator';
import { CustomersService, toCustomerDto } from './customers.service';

const c = contract.customers;

@Controller()
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly auditLog: AuditQueryService,
  ) {}

  @TsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog })
  read() {
    return tsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog }, {
      list: async ({ query }) => ({ status: 200, body: await this.customers.list(query) }),
      get: async ({ params }) => ({ status: 200, body: toCustomerDto(await this.customers.get(params.id)) }),
      auditLog: async ({ params, query }) => {
        await this.customers.get(params.id);
        return { status: 200, body: await this.auditLog.itemHistory('customer', params.id, query) };
      },
    });
  }

  @TsRestHandler(c.create)
  @Audited('customer_created', { target: 'customer' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({ status: 201, body: toCustomerDto(await this.customers.create(body)) }));
  }

  @TsRestHandler(c.update)
  @Audited('customer_updated', { target: 'customer' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: toCustomerDto(await this.customers.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('customer_deleted', { target: 'customer' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.customers.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
