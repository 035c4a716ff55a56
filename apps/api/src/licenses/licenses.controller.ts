import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { AuditQueryService } from '../audit/audit-query.service';
import { Audited } from '../audit/audited.decorator';
import { LicenseCustomFieldsService } from './license-custom-fields.service';
import { LicenseUsersService } from './license-users.service';
import { type LicenseEntity } from './license.entity';
import { LicensesService } from './licenses.service';

const c = contract.licenses;

/**
 * Licenses, their users and custom fields. Resetting a license (releasing its activations) lives
 * with the activations, in DevicesController.
 */
@Controller()
export class LicensesController {
  constructor(
    private readonly licenses: LicensesService,
    private readonly users: LicenseUsersService,
    private readonly customFields: LicenseCustomFieldsService,
    private readonly auditLog: AuditQueryService,
  ) {}

  private async ok(license: Promise<LicenseEntity>) {
    return { status: 200 as const, body: await this.licenses.view(await license) };
  }

  private async created(license: Promise<LicenseEntity>) {
    return { status: 201 as const, body: await this.licenses.view(await license) };
  }

  @TsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog })
  read() {
    return tsRestHandler({ list: c.list, get: c.get, auditLog: c.auditLog }, {
      list: async ({ query }) => ({ status: 200, body: await this.licenses.list(query) }),
      get: ({ params }) => this.ok(this.licenses.get(params.id)),
      auditLog: async ({ params, query }) => {
        await this.licenses.get(params.id);
        return { status: 200, body: await this.auditLog.itemHistory('license', params.id, query) };
      },
    });
  }

  @TsRestHandler(c.create)
  @Audited('license_created', { target: 'license' })
  create() {
    return tsRestHandler(c.create, ({ body }) => this.created(this.licenses.create(body)));
  }

  @TsRestHandler(c.update)
  @Audited('license_updated', { target: 'license' })
  update() {
    return tsRestHandler(c.update, ({ params, body }) => this.ok(this.licenses.update(params.id, body)));
  }

  @TsRestHandler(c.disable)
  @Audited('license_disabled', { target: 'license' })
  disable() {
    return tsRestHandler(c.disable, ({ params }) => this.ok(this.licenses.setEnabled(params.id, false)));
  }

  @TsRestHandler(c.enable)
  @Audited('license_enabled', { target: 'license' })
  enable() {
    return tsRestHandler(c.enable, ({ params }) => this.ok(this.licenses.setEnabled(params.id, true)));
  }

  @TsRestHandler(c.resetConsumption)
  @Audited('license_consumption_reset', { target: 'license' })
  resetConsumption() {
    return tsRestHandler(c.resetConsumption, ({ params }) => this.ok(this.licenses.resetConsumption(params.id)));
  }

  @TsRestHandler(c.setFeatures)
  @Audited('license_features_updated', { target: 'license' })
  setFeatures() {
    return tsRestHandler(c.setFeatures, ({ params, body }) => this.ok(this.licenses.setFeatures(params.id, body.features)));
  }

  @TsRestHandler(c.remove)
  @Audited('license_deleted', { target: 'license' })
  remove() {
    return tsRestHandler(c.remove, async ({ params }) => {
      await this.licenses.remove(params.id);
      return { status: 204, body: undefined };
    });
  }

  @TsRestHandler(c.assignUser)
  @Audited('license_user_assigned', { target: 'license' })
  assignUser() {
    return tsRestHandler(c.assignUser, ({ params, body }) => this.created(this.users.assign(params.id, body)));
  }

  @TsRestHandler(c.unassignUser)
  @Audited('license_user_unassigned', { target: 'license' })
  unassignUser() {
    return tsRestHandler(c.unassignUser, ({ params }) => this.ok(this.users.unassign(params.id, params.licenseUserId)));
  }

  @TsRestHandler(c.createCustomField)
  @Audited('license_custom_field_created', { target: 'license' })
  createCustomField() {
    return tsRestHandler(c.createCustomField, ({ params, body }) => this.created(this.customFields.create(params.id, body)));
  }

  @TsRestHandler(c.updateCustomField)
  @Audited('license_custom_field_updated', { target: 'license' })
  updateCustomField() {
    return tsRestHandler(c.updateCustomField, ({ params, body }) =>
      this.ok(this.customFields.update(params.id, params.fieldId, body.value)),
    );
  }

  @TsRestHandler(c.deleteCustomField)
  @Audited('license_custom_field_deleted', { target: 'license' })
  deleteCustomField() {
    return tsRestHandler(c.deleteCustomField, ({ params }) => this.ok(this.customFields.remove(params.id, params.fieldId)));
  }
}
