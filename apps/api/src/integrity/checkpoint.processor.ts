import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import { ENV, type Env } from '../config/env';
import { QUEUES } from '../jobs/queues';
import { IntegrityService } from './integrity.service';

export const CHECKPOINT_JOB = 'seal-checkpoints';

/** The repeatable job that signs each account's chain head when new entries arrived since the last checkpoint. */
@Processor(QUEUES.auditCheckpoints)
export class CheckpointProcessor extends WorkerHost {
  constructor(private readonly integrity: IntegrityService) {
    super();
  }

  async process(job: Job): Promise<{ signed: number }> {
    if (job.name !== CHECKPOINT_JOB) throw new Error(`Unknown checkpoint job "${job.name}"`);
    return { signed: await this.integrity.sealDue() };
  }
}

/** Registers (or updates) the repeatable checkpoint job when a worker starts; every worker may, BullMQ keeps one schedule. */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CheckpointScheduler.name);

  constructor(
    @InjectQueue(QUEUES.auditCheckpoints) private readonly queue: Queue,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.env.CHECKPOINT_INTERVAL_SECONDS * 1000;
    await this.queue.upsertJobScheduler(CHECKPOINT_JOB, { every }, { name: CHECKPOINT_JOB, opts: { removeOnComplete: 100, removeOnFail: 100 } });
    this.logger.log(`Audit checkpoints are signed every ${this.env.CHECKPOINT_INTERVAL_SECONDS} s while entries arrive`);
  }
}
