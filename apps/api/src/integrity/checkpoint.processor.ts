import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { IntegrityService } from './integrity.service';

export const CHECKPOINT_JOB = 'seal-checkpoints';

/** The repeatable job that signs each account's chain head when new entries arrived since the last checkpoint. */
@Processor('audit-checkpoints')
export class CheckpointProcessor extends WorkerHost {
  constructor(private readonly integrity: IntegrityService) {
    super();
  }

  async process(job: Job): Promise<{ signed: number }> {
    if (job.name !== CHECKPOINT_JOB) throw new Error(`Unknown checkpoint job "${job.name}"`);
    return { signed: await this.integrity.sealDue() };
  }
}
