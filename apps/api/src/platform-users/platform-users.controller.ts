import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { Audited } from '../audit/audited.decorator';
import { toPlatformUserDto } from './platform-users.mapper';
import { PlatformUsersService } from './platform-users.service';

const c = contract.platformUsers;

@Controller()
export class PlatformUsersController {
  constructor(private readonly users: PlatformUsersService) {}

  @TsRestHandler({ list: c.list, get: c.get })
  read() {
    return tsRestHandler({ list: c.list, get: c.get }, {
      list: async ({ query }) => ({ status: 200, body: await this.users.list(query) }),
      get: async ({ params }) => ({ status: 200, body: toPlatformUserDto(await this.users.get(params.id)) }),
    });
  }

  @TsRestHandler(c.create)
  @Audited('platform_user_added', { target: 'platform_user', hashesPassword: 'password' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({ status: 201, body: toPlatformUserDto(await this.users.create(body)) }));
  }

  @TsRestHandler(c.update)
  @Audited('platform_user_updated', { target: 'platform_user', hashesPassword: 'password' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: toPlatformUserDto(await this.users.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('platform_user_removed', { target: 'platform_user' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.users.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
