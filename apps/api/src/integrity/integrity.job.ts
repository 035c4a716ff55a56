import { type JobsOptions, type Queue } from 'bullmq';
import { AUDIT_VERIFICATION_JOBS } from '../jobs/queues';
import { z } from 'zod';

/** The payload of a full verification job: the audit_integrity_runs row it runs. Versioned. */
export const ZFullVerificationJobV1 = z.object({ v: z.literal(1), runId: z.string().uuid() });
export type FullVerificationJobV1 = z.infer<typeof ZFullVerificationJobV1>;

export const FULL_VERIFICATION_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 5000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const satisfies JobsOptions;

/**
 * Queues the job of a full run (the job id is the run's): added when there is none; a job that failed
 * for good while its run stayed queued (its closing failed too, e.g. the database was down) is retried —
 * adding again would do nothing, BullMQ keeps failed jobs for a week. A job waiting, delayed, active or
 * completed is left alone, so a run is never verified twice.
 */
export async function queueFullRun(queue: Queue, runId: string): Promise<void> {
  const existing = await queue.getJob(runId);
  if (!existing) {
    await queue.add(AUDIT_VERIFICATION_JOBS.full, { v: 1, runId }, { ...FULL_VERIFICATION_JOB_OPTIONS, jobId: runId });
  } else if (await existing.isFailed()) {
    await existing.retry('failed');
  }
}
