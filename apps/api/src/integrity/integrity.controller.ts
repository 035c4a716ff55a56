import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { ReadSnapshot } from '../database/tenant-read.interceptor';
import { IntegrityService } from './integrity.service';

@Controller()
export class IntegrityController {
  constructor(private readonly integrity: IntegrityService) {}

  @TsRestHandler(contract.auditIntegrity)
  // verify reads the whole chain in one snapshot: the request's read transaction is REPEATABLE READ.
  @ReadSnapshot()
  handler() {
    return tsRestHandler(contract.auditIntegrity, {
      verify: async () => ({ status: 200, body: await this.integrity.verify() }),
      publicKey: async () => ({ status: 200, body: this.integrity.publicKey() }),
      checkpoints: async ({ query }) => ({ status: 200, body: await this.integrity.listCheckpoints(query) }),
    });
  }
}
