import { forwardRef, Module } from '@nestjs/common';
import { PermissionTemplatesModule } from '../permission-templates/permission-templates.module';
import { TEMPLATE_USERS } from '../permission-templates/template-users.port';
import { PlatformUsersController } from './platform-users.controller';
import { PlatformUsersService } from './platform-users.service';
import { TemplateUsersReader } from './template-users.reader';

@Module({
  imports: [forwardRef(() => PermissionTemplatesModule)],
  controllers: [PlatformUsersController],
  providers: [PlatformUsersService, { provide: TEMPLATE_USERS, useClass: TemplateUsersReader }],
  exports: [PlatformUsersService, TEMPLATE_USERS],
})
export class PlatformUsersModule {}
