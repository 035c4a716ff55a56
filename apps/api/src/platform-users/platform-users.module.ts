import { Module } from '@nestjs/common';
import { PermissionTemplatesModule } from '../permission-templates/permission-templates.module';
import { PlatformUsersController } from './platform-users.controller';
import { PlatformUsersService } from './platform-users.service';

@Module({
  imports: [PermissionTemplatesModule],
  controllers: [PlatformUsersController],
  providers: [PlatformUsersService],
  exports: [PlatformUsersService],
})
export class PlatformUsersModule {}
