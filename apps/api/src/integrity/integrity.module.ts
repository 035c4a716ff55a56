import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { ENV, type Env } from '../config/env';
import { bullConnection } from '../jobs/bull';
import { QUEUES } from '../jobs/queues';
import { IntegrityController } from './integrity.controller';
import { IntegrityVerifier } from './integrity-verifier.service';
import { IntegrityService } from './integrity.service';
import { SigningKeyService } from './signing-key.service';

/**
 * Checkpoints, the stored integrity status and "verify now" (API), and the verifiers (worker). The
 * verifications queue's connection has no offline queue, so "verify now" fails fast (503) while Redis
 * is unreachable. AuditService is provided here too: the worker has no AuditModule, and the verifier
 * writes the system's `audit_log_integrity_broken` entries through it.
 */
@Module({
  imports: [
    BullModule.registerQueueAsync({
      name: QUEUES.auditVerifications,
      inject: [ENV],
      useFactory: (env: Env) => ({
        connection: { ...bullConnection(env), enableOfflineQueue: false, connectTimeout: 2000 },
        prefix: env.REDIS_PREFIX,
      }),
    }),
  ],
  controllers: [IntegrityController],
  providers: [IntegrityService, SigningKeyService, IntegrityVerifier, AuditService],
  exports: [IntegrityService, SigningKeyService, IntegrityVerifier],
})
export class IntegrityModule {}
