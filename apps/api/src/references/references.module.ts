import { Module } from '@nestjs/common';
import { ItemReferences } from './item-references';

/** The delete guards' reference counts (ItemReferences): imported by the modules whose items others refer to. */
@Module({
  providers: [ItemReferences],
  exports: [ItemReferences],
})
export class ReferencesModule {}
