import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { ActivationsService } from './activations.service';

const c = contract.licenseApi;

/** The public License API (authorised by the license key; not a platform user's action, so not audited). */
@Controller()
export class LicenseApiController {
  constructor(private readonly activations: ActivationsService) {}

  @TsRestHandler(c)
  handler() {
    return tsRestHandler(c, {
      activate: async ({ body }) => {
        const { created, activation } = await this.activations.activate(body);
        return created ? { status: 201, body: activation } : { status: 200, body: activation };
      },
      consume: async ({ body }) => ({ status: 200, body: await this.activations.consume(body) }),
    });
  }
}
