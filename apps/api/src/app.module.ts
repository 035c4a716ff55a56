import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { PasswordModule } from './auth/password-hasher';
import { CustomersModule } from './customers/customers.module';
import { DevicesModule } from './devices/devices.module';
import { LicensesModule } from './licenses/licenses.module';
import { LogStreamsModule } from './log-streams/log-streams.module';
import { NotificationPoliciesModule } from './notification-policies/notification-policies.module';
import { OrdersModule } from './orders/orders.module';
import { PermissionTemplatesModule } from './permission-templates/permission-templates.module';
import { ContextModule } from './common/context.module';
import { ConfigModule } from './config/config.module';
import { type Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { TenantReadInterceptor } from './database/tenant-read.interceptor';
import { AuditExportsModule } from './exports/audit-exports.module';
import { HealthController } from './health/health.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { IntegrityModule } from './integrity/integrity.module';
import { PlatformUsersModule } from './platform-users/platform-users.module';
import { ProductsModule } from './products/products.module';
import { RedisModule } from './redis/redis.module';

@Module({})
export class AppModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(env),
        PasswordModule,
        DatabaseModule,
        ContextModule,
        RedisModule,
        // Before AuditModule: global interceptors run in module order, and the Idempotency-Key's transaction
        // must wrap the @Audited one (which joins it), so a replay skips the handler and its entry altogether.
        IdempotencyModule,
        AuditModule,
        AuditExportsModule,
        IntegrityModule,
        AuthModule,
        PlatformUsersModule,
        PermissionTemplatesModule,
        NotificationPoliciesModule,
        ProductsModule,
        CustomersModule,
        OrdersModule,
        LicensesModule,
        DevicesModule,
        ApiKeysModule,
        LogStreamsModule,
      ],
      controllers: [HealthController],
      // Signed-in reads run behind row-level security, as mutations do (see TenantReadInterceptor).
      providers: [{ provide: APP_INTERCEPTOR, useClass: TenantReadInterceptor }],
    };
  }
}
