import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { ReferencesModule } from '../references/references.module';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

/** Orders and their managers. Whether an order still has licenses: ItemReferences (licenses depend on orders, not the other way round). */
@Module({
  imports: [CustomersModule, ReferencesModule],
  controllers: [OrdersController],
  providers: [OrdersService],
  exports: [OrdersService],
})
export class OrdersModule {}
