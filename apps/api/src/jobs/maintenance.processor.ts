import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { z } from 'zod';
import { AuditExportRetention } from '../exports/audit-export.retention';
import { MAINTENANCE_JOBS, QUEUES } from './queues';

const ZPingV1 = z.object({ v: z.literal(1), sentAt: z.string() });
const ZExpireExportsV1 = z.object({ v: z.literal(1) });

/**
 * Housekeeping jobs. `ping` answers with the worker's identity: operators and tests use it to see a
 * worker is consuming. `expire-exports` (repeatable) deletes export files past EXPORT_RETENTION.
 */
@Processor(QUEUES.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  constructor(private readonly retention: AuditExportRetention) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MAINTENANCE_JOBS.ping: {
        const data = ZPingV1.parse(job.data);
        this.logger.log(`ping from ${data.sentAt}`);
        return { pong: true, pid: process.pid, receivedAt: new Date().toISOString() };
      }
      case MAINTENANCE_JOBS.expireExports: {
        ZExpireExportsV1.parse(job.data);
        return { expired: await this.retention.expireDue() };
      }
      default:
        throw new Error(`Unknown maintenance job "${job.name}"`);
    }
  }
}
