import { forwardRef, Module } from '@nestjs/common';
import { PlatformUsersModule } from '../platform-users/platform-users.module';
import { PermissionTemplatesController } from './permission-templates.controller';
import { PermissionTemplatesService } from './permission-templates.service';

/** Settings > permission templates. Learns who uses a template from PlatformUsersModule (TEMPLATE_USERS). */
@Module({
  imports: [forwardRef(() => PlatformUsersModule)],
  controllers: [PermissionTemplatesController],
  providers: [PermissionTemplatesService],
  exports: [PermissionTemplatesService],
})
export class PermissionTemplatesModule {}
