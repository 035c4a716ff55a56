import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { IntegrityService } from './integrity.service';

@Controller()
export class IntegrityController {
  constructor(private readonly integrity: IntegrityService) {}

  @TsRestHandler(contract.auditIntegrity)
  handler() {
    return tsRestHandler(contract.auditIntegrity, {
      verify: async () => ({ status: 200, body: await this.integrity.verify() }),
      publicKey: async () => ({ status: 200, body: this.integrity.publicKey() }),
      checkpoints: async ({ query }) => ({ status: 200, body: await this.integrity.listCheckpoints(query) }),
    });
  }
}
