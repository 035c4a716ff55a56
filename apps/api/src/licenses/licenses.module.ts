import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ProductsModule } from '../products/products.module';
import { LicenseCustomFieldsService } from './license-custom-fields.service';
import { LicenseUsersService } from './license-users.service';
import { LicensesController } from './licenses.controller';
import { LicensesService } from './licenses.service';

@Module({
  imports: [OrdersModule, ProductsModule],
  controllers: [LicensesController],
  providers: [
    LicensesService,
    LicenseUsersService,
    LicenseCustomFieldsService,
  ],
  exports: [LicensesService, LicenseUsersService, LicenseCustomFieldsService],
})
export class LicensesModule {}
