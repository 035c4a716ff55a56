import { Controller } from '@nestjs/common';
import { TsRestHandler, tsRestHandler } from '@ts-rest/nest';
import { contract } from '@keyledger/contract';
import { Audited } from '../audit/audited.decorator';
import { LicensesService } from '../licenses/licenses.service';
import { toDeviceDto } from './devices.mapper';
import { DevicesService } from './devices.service';

const c = contract.devices;

/** A license's activations: its devices, the device actions, and resetting the whole license. */
@Controller()
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly licenses: LicensesService,
  ) {}

  @TsRestHandler(c.listForLicense)
  listForLicense() {
    return tsRestHandler(c.listForLicense, async ({ params, query }) => ({
      status: 200,
      body: await this.devices.listForLicense(params.id, query),
    }));
  }

  @TsRestHandler(contract.licenses.reset)
  @Audited('license_reset', { target: 'license' })
  resetLicense() {
    return tsRestHandler(contract.licenses.reset, async ({ params }) => ({
      status: 200,
      body: await this.licenses.view(await this.devices.releaseAll(params.id)),
    }));
  }

  @TsRestHandler(c.reset)
  @Audited('device_reset', { target: 'device' })
  reset() {
    return tsRestHandler(c.reset, async ({ params }) => ({ status: 200, body: toDeviceDto(await this.devices.reset(params.id)) }));
  }

  @TsRestHandler(c.blacklist)
  @Audited('device_blacklisted', { target: 'device' })
  blacklist() {
    return tsRestHandler(c.blacklist, async ({ params }) => ({ status: 200, body: toDeviceDto(await this.devices.blacklist(params.id)) }));
  }

  @TsRestHandler(c.borrow)
  @Audited('device_borrowed', { target: 'device' })
  borrow() {
    return tsRestHandler(c.borrow, async ({ params, body }) => ({
      status: 200,
      body: toDeviceDto(await this.devices.borrow(params.id, body.until)),
    }));
  }

  @TsRestHandler(c.releaseBorrow)
  @Audited('device_borrow_released', { target: 'device' })
  releaseBorrow() {
    return tsRestHandler(c.releaseBorrow, async ({ params }) => ({
      status: 200,
      body: toDeviceDto(await this.devices.releaseBorrow(params.id)),
    }));
  }
}
