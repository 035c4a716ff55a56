import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { Audited } from '../audit/audited.decorator';
import { NotificationPoliciesService, toNotificationPolicyDto } from './notification-policies.service';

const c = contract.notificationPolicies;

@Controller()
export class NotificationPoliciesController {
  constructor(private readonly policies: NotificationPoliciesService) {}

  @TsRestHandler({ list: c.list, get: c.get })
  read() {
    return tsRestHandler({ list: c.list, get: c.get }, {
      list: async ({ query }) => ({ status: 200, body: await this.policies.list(query) }),
      get: async ({ params }) => ({ status: 200, body: toNotificationPolicyDto(await this.policies.get(params.id)) }),
    });
  }

  @TsRestHandler(c.create)
  @Audited('notification_policy_created', { target: 'notification_policy' })
  create() {
    return tsRestHandler(c.create, async ({ body }) => ({
      status: 201,
      body: toNotificationPolicyDto(await this.policies.create(body)),
    }));
  }

  @TsRestHandler(c.update)
  @Audited('notification_policy_updated', { target: 'notification_policy' })
  update() {
    return tsRestHandler(c.update, async ({ params, body }) => ({
      status: 200,
      body: toNotificationPolicyDto(await this.policies.update(params.id, body)),
    }));
  }

  @TsRestHandler(c.remove)
  @Audited('notification_policy_deleted', { target: 'notification_policy' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.policies.remove(params.id);
      return { status: 204, body: undefined };
    });
  }
}
