import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Queue } from 'bullmq';
import { ENV, type Env } from '../config/env';
import { AUDIT_INTEGRITY_JOBS, AUDIT_VERIFICATION_JOBS, QUEUES } from '../jobs/queues';
import { type FullVerificationJobV1, queueFullRun, ZFullVerificationJobV1 } from './integrity.job';
import { IntegrityVerifier } from './integrity-verifier.service';

/** The incremental verifier's repeatable pass, and the schedule that queues full verifications. */
@Processor(QUEUES.auditIntegrity)
export class IntegrityProcessor extends WorkerHost {
  constructor(
    private readonly verifier: IntegrityVerifier,
    @InjectQueue(QUEUES.auditVerifications) private readonly verifications: Queue<FullVerificationJobV1>,
  ) {
    super();
  }

  async process(job: Job): Promise<{ accounts: number }> {
    switch (job.name) {
      case AUDIT_INTEGRITY_JOBS.incremental:
        return { accounts: await this.verifier.verifyDue() };
      case AUDIT_INTEGRITY_JOBS.scheduleFull:
        return {
          accounts: await this.verifier.scheduleFull((runId) => queueFullRun(this.verifications, runId)),
        };
      default:
        throw new Error(`Unknown integrity job "${job.name}"`);
    }
  }
}

/** Full re-verifications: one job per run row; the work happens in worker threads, so this event loop stays free. */
@Processor(QUEUES.auditVerifications)
export class FullVerificationProcessor extends WorkerHost {
  private readonly logger = new Logger(FullVerificationProcessor.name);

  constructor(private readonly verifier: IntegrityVerifier) {
    super();
  }

  async process(job: Job): Promise<{ ok: boolean | null; entriesChecked: number; firstBrokenSeq?: number }> {
    if (job.name !== AUDIT_VERIFICATION_JOBS.full) throw new Error(`Unknown verification job "${job.name}"`);
    const { runId } = ZFullVerificationJobV1.parse(job.data);
    const report = await this.verifier.runFull(runId);
    return { ok: report?.ok ?? null, entriesChecked: report?.entriesChecked ?? 0, ...(report?.firstBrokenSeq ? { firstBrokenSeq: report.firstBrokenSeq } : {}) };
  }

  /** After the last attempt (a killed worker's job stalls out too): the run is closed as failed, so it does not block the next one. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job || job.name !== AUDIT_VERIFICATION_JOBS.full || job.finishedOn === undefined) return;
    const parsed = ZFullVerificationJobV1.safeParse(job.data);
    if (!parsed.success) return;
    await this.verifier.failRun(parsed.data.runId, err.message).catch((e: unknown) => this.logger.error({ runId: parsed.data.runId, err: e }, 'Could not record the failed verification'));
  }
}

/** Registers the repeatable integrity jobs when a worker starts; every worker may, BullMQ keeps one schedule each. */
@Injectable()
export class IntegrityScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(IntegrityScheduler.name);

  constructor(
    @InjectQueue(QUEUES.auditIntegrity) private readonly queue: Queue,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const opts = { removeOnComplete: 100, removeOnFail: 100 };
    await this.queue.upsertJobScheduler(AUDIT_INTEGRITY_JOBS.incremental, { every: this.env.INTEGRITY_VERIFY_INTERVAL_SECONDS * 1000 }, { name: AUDIT_INTEGRITY_JOBS.incremental, opts });
    const hours = this.env.INTEGRITY_FULL_VERIFY_INTERVAL_HOURS;
    if (hours > 0) {
      const every = Math.round(hours * 3600 * 1000);
      // The first run one interval from now, not at every worker start.
      await this.queue.upsertJobScheduler(AUDIT_INTEGRITY_JOBS.scheduleFull, { every, startDate: Date.now() + every }, { name: AUDIT_INTEGRITY_JOBS.scheduleFull, opts });
    } else {
      await this.queue.removeJobScheduler(AUDIT_INTEGRITY_JOBS.scheduleFull);
    }
    this.logger.log(
      `Audit chains are verified incrementally every ${this.env.INTEGRITY_VERIFY_INTERVAL_SECONDS} s` +
        (hours > 0 ? `, and in full every ${hours} h` : '; scheduled full verification is off'),
    );
  }
}
