import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccountsService } from '../accounts/accounts.service';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { PermissionTemplatesModule } from '../permission-templates/permission-templates.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { RateLimiter } from './rate-limiter.service';

@Module({
  imports: [PermissionTemplatesModule, ApiKeysModule],
  controllers: [AuthController],
  providers: [AuthService, AccountsService, RateLimiter, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, AccountsService],
})
export class AuthModule {}
