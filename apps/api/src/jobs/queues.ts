/**
 * Every BullMQ queue the product declares. The worker refuses to start unless each one has a
 * processor (see worker.module.ts), so a job can never sit in a queue nobody reads.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  auditExports: 'audit-exports',
  auditCheckpoints: 'audit-checkpoints',
  /** The incremental verifier's repeatable pass and the schedule of full verifications. */
  auditIntegrity: 'audit-integrity',
  /** Full re-verifications (one job per audit_integrity_runs row, jobId = the run's id). */
  auditVerifications: 'audit-verifications',
  /** The repeatable log-stream delivery pass (each pass claims due streams with a lease). */
  logStreams: 'log-streams',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = { ping: 'ping', expireExports: 'expire-exports' } as const;

export const AUDIT_EXPORT_JOBS = { build: 'build' } as const;

export const AUDIT_INTEGRITY_JOBS = {
  incremental: 'verify-incremental',
  scheduleFull: 'schedule-full-verifications',
} as const;

export const AUDIT_VERIFICATION_JOBS = { full: 'verify-full' } as const;

export const LOG_STREAM_JOBS = { deliver: 'deliver-log-streams' } as const;
