import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { ApiKeysService } from './api-keys.service';

const c = contract.apiKeys;

@Controller()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @TsRestHandler(c)
  handlers() {
    return tsRestHandler(c, {
      list: async ({ query }) => ({ status: 200, body: await this.keys.list(query) }),
      create: async ({ body }) => ({ status: 201, body: await this.keys.create(body) }),
      revoke: async ({ params }) => {
        await this.keys.revoke(params.id);
        return { status: 204, body: undefined };
      },
    });
  }
}
