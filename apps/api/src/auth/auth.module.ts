import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsService } from '../accounts/accounts.service';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { PermissionTemplatesModule } from '../permission-templates/permission-templates.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Module({
  imports: [PermissionTemplatesModule, ApiKeysModule],
  controllers: [AuthController],
  // RateLimiter comes from the global AuditModule (SecurityEvents bounds entries with it too).
  providers: [AuthService, AccountsService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, AccountsService],
})
export class AuthModule {}
