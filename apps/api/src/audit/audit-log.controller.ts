import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { AuditQueryService } from './audit-query.service';

@Controller()
export class AuditLogController {
  constructor(private readonly query: AuditQueryService) {}

  @TsRestHandler(contract.auditLog)
  handler() {
    return tsRestHandler(contract.auditLog, {
      list: async ({ query }) => ({ status: 200, body: await this.query.list(query) }),
      get: async ({ params }) => ({ status: 200, body: await this.query.get(params.id) }),
      actions: async () => ({ status: 200, body: this.query.catalog() }),
    });
  }
}
