import { type JobsOptions } from 'bullmq';
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
