import { forwardRef, Module } from '@nestjs/common';
import { CUSTOMER_ORDERS } from '../customers/customer-orders.port';
import { CustomersModule } from '../customers/customers.module';
import { LicensesModule } from '../licenses/licenses.module';
import { OrdersController } from './orders.controller';
import { CustomerOrdersReader } from './customer-orders.reader';
import { OrdersService } from './orders.service';

/** Orders and their managers. Learns whether an order still has licenses from LicensesModule (ORDER_LICENSES). */
@Module({
  imports: [forwardRef(() => CustomersModule), forwardRef(() => LicensesModule)],
  controllers: [OrdersController],
  providers: [OrdersService, { provide: CUSTOMER_ORDERS, useClass: CustomerOrdersReader }],
  exports: [OrdersService, CUSTOMER_ORDERS],
})
export class OrdersModule {}
