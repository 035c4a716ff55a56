import { Module } from '@nestjs/common';
import { ReferencesModule } from '../references/references.module';
import { PermissionTemplatesController } from './permission-templates.controller';
import { PermissionTemplatesService } from './permission-templates.service';

/** Settings > permission templates. Who holds a template: ItemReferences (platform users depend on templates, not the other way round). */
@Module({
  imports: [ReferencesModule],
  controllers: [PermissionTemplatesController],
  providers: [PermissionTemplatesService],
  exports: [PermissionTemplatesService],
})
export class PermissionTemplatesModule {}
