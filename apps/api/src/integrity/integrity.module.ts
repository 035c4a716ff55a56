import { Module } from '@nestjs/common';
import { IntegrityController } from './integrity.controller';
import { IntegrityService } from './integrity.service';
import { SigningKeyService } from './signing-key.service';

@Module({
  controllers: [IntegrityController],
  providers: [IntegrityService, SigningKeyService],
  exports: [IntegrityService, SigningKeyService],
})
export class IntegrityModule {}
