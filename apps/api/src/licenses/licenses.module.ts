import { forwardRef, Module } from '@nestjs/common';
import { ORDER_LICENSES } from '../orders/order-licenses.port';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { LicenseCustomFieldsService } from './license-custom-fields.service';
import { LicenseUsersService } from './license-users.service';
import { LicensesController } from './licenses.controller';
import { LicensesService } from './licenses.service';
import { OrderLicensesReader } from './order-licenses.reader';

@Module({
  imports: [forwardRef(() => OrdersModule), ProductsModule],
  controllers: [LicensesController],
  providers: [
    LicensesService,
    LicenseUsersService,
    LicenseCustomFieldsService,
    { provide: ORDER_LICENSES, useClass: OrderLicensesReader },
  ],
  exports: [LicensesService, LicenseUsersService, LicenseCustomFieldsService, ORDER_LICENSES],
})
export class LicensesModule {}
