import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AuthModule } from '../auth/auth.module';
import { ENV, type Env } from '../config/env';
import { bullConnection } from '../jobs/bull';
import { QUEUES } from '../jobs/queues';
import { AuditExportsController } from './audit-exports.controller';
import { AuditExportsCoreModule } from './audit-exports-core.module';
import { AuditExportsService } from './audit-exports.service';

/**
 * The export routes of the API. It only enqueues: the jobs run in the worker process. The queue's
 * connection has no offline queue, so a request fails fast (503) while Redis is unreachable
 * instead of waiting for it, and recovers by itself when Redis is back.
 */
@Module({
  imports: [
    AuditExportsCoreModule,
    AuthModule,
    ApiKeysModule,
    BullModule.registerQueueAsync({
      name: QUEUES.auditExports,
      inject: [ENV],
      useFactory: (env: Env) => ({
        connection: { ...bullConnection(env), enableOfflineQueue: false, connectTimeout: 2000 },
        prefix: env.REDIS_PREFIX,
      }),
    }),
  ],
  controllers: [AuditExportsController],
  providers: [AuditExportsService],
})
export class AuditExportsModule {}
