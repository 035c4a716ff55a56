import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ContextModule } from './common/context.module';
import { ConfigModule } from './config/config.module';
import { type Env } from './config/env';
import { DatabaseModule } from './database/database.module';
import { AuditStoreModule } from './audit/audit-store.module';
import { AuditExportProcessor } from './exports/audit-export.processor';
import { AuditExportRetentionScheduler } from './exports/audit-export.retention';
import { AuditExportsWorkerModule } from './exports/audit-exports-worker.module';
import { BullRootModule, processorProvider } from './jobs/bull';
import { MaintenanceProcessor } from './jobs/maintenance.processor';
import { CheckpointProcessor, CheckpointScheduler } from './integrity/checkpoint.processor';
import { IntegrityModule } from './integrity/integrity.module';
import {
  FullVerificationProcessor,
  IntegrityProcessor,
  IntegrityScheduler,
} from './integrity/integrity.processor';
import { QUEUES, type QueueName } from './jobs/queues';
import { LogStreamProcessor, LogStreamScheduler } from './log-streams/log-stream.processor';
import { LogStreamsWorkerModule } from './log-streams/log-streams-worker.module';

/** One processor per declared queue: a queue missing here is a type error. */
export const PROCESSORS: Record<QueueName, Type> = {
  [QUEUES.maintenance]: MaintenanceProcessor,
  [QUEUES.auditExports]: AuditExportProcessor,
  [QUEUES.auditCheckpoints]: CheckpointProcessor,
  [QUEUES.auditIntegrity]: IntegrityProcessor,
  [QUEUES.auditVerifications]: FullVerificationProcessor,
  [QUEUES.logStreams]: LogStreamProcessor,
};

/** Fail fast when a declared queue has no processor (or a processor reads an undeclared queue). */
export function assertEveryQueueHasAProcessor(
  processors: Record<string, Type | undefined> = PROCESSORS,
): void {
  for (const name of Object.values(QUEUES)) {
    const processor = processors[name];
    if (!processor) throw new Error(`Queue "${name}" is declared but has no processor`);
    const meta = Reflect.getMetadata('bullmq:processor_metadata', processor) as
      { name?: string } | undefined;
    if (meta?.name !== name)
      throw new Error(
        `${processor.name} does not process queue "${name}" (it reads "${meta?.name}")`,
      );
  }
}

@Module({})
export class WorkerModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(env),
        DatabaseModule,
        ContextModule,
        AuditStoreModule,
        BullRootModule,
        BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
        AuditExportsWorkerModule,
        IntegrityModule,
        LogStreamsWorkerModule,
      ],
      providers: [
        ...Object.values(PROCESSORS).map((processor) => processorProvider(processor, env)),
        CheckpointScheduler,
        IntegrityScheduler,
        AuditExportRetentionScheduler,
        LogStreamScheduler,
      ],
    };
  }
}
