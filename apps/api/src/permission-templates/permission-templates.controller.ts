import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { Audited } from '../audit/audited.decorator';
import { PermissionTemplatesService, toPermissionTemplateDto } from './permission-templates.service';

const c = contract.permissionTemplates;

@Controller()
export class PermissionTemplatesController {
  constructor(private readonly templates: PermissionTemplatesService) {}

  @TsRestHandler({ list: c.list, get: c.get })
  read() {
    return tsRestHandler({ list: c.list, get: c.get }, {
      list: async ({ query }) => ({ status: 200, body: await this.templates.list(query) }),
      get: async ({ params }) => ({ status: 200, body: toPermissionTemplateDto(await this.templates.get(params.id)) }),
    });
  }

  @TsRestHandler(c.create)
  @Audited('user_permission_template_created', { target: 'permission_template' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({
      status: 201,
      body: toPermissionTemplateDto(await this.templates.create(body)),
    }));
  }

  @TsRestHandler(c.update)
  @Audited('user_permission_template_updated', { target: 'permission_template' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: toPermissionTemplateDto(await this.templates.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.setPermissions)
  @Audited('user_permission_template_permissions_set', { target: 'permission_template' })
  setPermissions() {
    return tsRestHandler(c.setPermissions, async ({ params, body }) => ({
      status: 200,
      body: toPermissionTemplateDto(await this.templates.setPermissions(params.id, body.permissions)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('user_permission_template_deleted', { target: 'permission_template' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.templates.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
