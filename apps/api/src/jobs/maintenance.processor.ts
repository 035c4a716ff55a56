import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job } from 'bullmq';
import { z } from 'zod';
import { MAINTENANCE_JOBS, QUEUES } from './queues';

const ZPingV1 = z.object({ v: z.literal(1), sentAt: z.string() });

/** Housekeeping jobs. `ping` answers with the worker's identity: operators and tests use it to see a worker is consuming. */
@Processor(QUEUES.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  private readonly logger = new Logger(MaintenanceProcessor.name);

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case MAINTENANCE_JOBS.ping: {
        const data = ZPingV1.parse(job.data);
        this.logger.log(`ping from ${data.sentAt}`);
        return { pong: true, pid: process.pid, receivedAt: new Date().toISOString() };
      }
      default:
        throw new Error(`Unknown maintenance job "${job.name}"`);
    }
  }
}
