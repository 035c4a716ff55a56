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
      // The stored status: a few key lookups, never a walk of the chain (the worker verifies).
      verify: async () => ({ status: 200, body: await this.integrity.status() }),
      requestVerification: async () => ({ status: 202, body: await this.integrity.requestVerification() }),
      verifications: async ({ query }) => ({ status: 200, body: await this.integrity.listVerifications(query) }),
      verification: async ({ params }) => ({ status: 200, body: await this.integrity.verification(params.id) }),
      publicKey: async () => ({ status: 200, body: this.integrity.publicKey() }),
      checkpoints: async ({ query }) => ({ status: 200, body: await this.integrity.listCheckpoints(query) }),
    });
  }
}
