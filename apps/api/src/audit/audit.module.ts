import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor';
import { AuditLogController } from './audit-log.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { AuditStoreModule } from './audit-store.module';
import { AuditedExecutor } from './audited-executor';
import { RateLimiter } from '../auth/rate-limiter.service';
import { SecurityEvents } from './security-events.service';

@Global()
@Module({
  imports: [AuditStoreModule],
  controllers: [AuditLogController],
  providers: [
    AuditService,
    AuditQueryService,
    AuditedExecutor,
    RateLimiter,
    SecurityEvents,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditStoreModule, AuditService, AuditQueryService, AuditedExecutor, RateLimiter, SecurityEvents],
})
export class AuditModule {}
