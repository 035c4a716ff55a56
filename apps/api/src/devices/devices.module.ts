import { Module } from '@nestjs/common';
import { LicensesModule } from '../licenses/licenses.module';
import { ActivationsService } from './activations.service';
import { DevicesController } from './devices.controller';
import { DevicesService } from './devices.service';
import { LicenseApiController } from './license-api.controller';

/** Devices: made by activations through the License API, managed by vendor staff. */
@Module({
  imports: [LicensesModule],
  controllers: [DevicesController, LicenseApiController],
  providers: [DevicesService, ActivationsService],
  exports: [DevicesService, ActivationsService],
})
export class DevicesModule {}
