import { type JobsOptions } from 'bullmq';
import { z } from 'zod';

/** The payload of an `audit-exports` `build` job. Versioned: a worker refuses a version it does not know. */
export const ZAuditExportJobV1 = z.object({ v: z.literal(1), exportId: z.string().uuid() }).strict();
export type AuditExportJobV1 = z.infer<typeof ZAuditExportJobV1>;

/**
 * Three attempts, 2 s then 4 s apart; the job's id is the export's, so it is queued once. Jobs leave
 * Redis an hour after completing and a week after failing: the export's record lives in PostgreSQL.
 */
export const AUDIT_EXPORT_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const satisfies JobsOptions;
