import { Module } from '@nestjs/common';
import { ReferencesModule } from '../references/references.module';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';

/** Customers. Whether a customer still has orders: ItemReferences (orders depend on customers, not the other way round). */
@Module({
  imports: [ReferencesModule],
  controllers: [CustomersController],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}
