import { forwardRef, Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers. Learns whether a customer still has orders from OrdersModule (CUSTOMER_ORDERS). */
@Module({
  imports: [forwardRef(() => OrdersModule)],
  controllers: [CustomersController],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}
