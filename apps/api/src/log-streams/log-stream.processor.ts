import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import { ENV, type Env } from '../config/env';
import { LOG_STREAM_JOBS, QUEUES } from '../jobs/queues';
import { type DeliveryPass, LogStreamDelivery } from './log-stream-delivery.service';

/** How long one pass may deliver before it lets the next pass (maybe on another worker) take over. */
export const DELIVERY_PASS_MS = 10_000;

/** The repeatable pass that delivers every due log stream (see LogStreamDelivery). */
@Processor(QUEUES.logStreams)
export class LogStreamProcessor extends WorkerHost {
  constructor(private readonly delivery: LogStreamDelivery) {
    super();
  }

  async process(job: Job): Promise<DeliveryPass> {
    if (job.name !== LOG_STREAM_JOBS.deliver)
      throw new Error(`Unknown log stream job "${job.name}"`);
    return this.delivery.deliverDue(DELIVERY_PASS_MS);
  }
}

/** Registers the repeatable delivery pass when a worker starts (BullMQ keeps one schedule for all workers). */
@Injectable()
export class LogStreamScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(LogStreamScheduler.name);

  constructor(
    @InjectQueue(QUEUES.logStreams) private readonly queue: Queue,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      LOG_STREAM_JOBS.deliver,
      { every: this.env.LOG_STREAM_POLL_INTERVAL_MS },
      { name: LOG_STREAM_JOBS.deliver, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    this.logger.log(
      `Log streams are delivered every ${this.env.LOG_STREAM_POLL_INTERVAL_MS} ms while entries wait`,
    );
  }
}
