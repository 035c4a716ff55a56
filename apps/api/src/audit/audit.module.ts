import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor';
import { AuditLogController } from './audit-log.controller';
import { AuditQueryService } from './audit-query.service';
import { AuditService } from './audit.service';
import { AuditedExecutor } from './audited-executor';

@Global()
@Module({
  controllers: [AuditLogController],
  providers: [AuditService, AuditQueryService, AuditedExecutor, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [AuditService, AuditQueryService, AuditedExecutor],
})
export class AuditModule {}
