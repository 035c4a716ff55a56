import { Module } from '@nestjs/common';
import { PlatformUsersModule } from '../platform-users/platform-users.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';

/** Settings > API keys; the auth guard resolves bearer keys through ApiKeysService (and their creators' permissions through PlatformUsersService). */
@Module({
  imports: [PlatformUsersModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
