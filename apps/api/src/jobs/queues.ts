/**
 * Every BullMQ queue the product declares. The worker refuses to start unless each one has a
 * processor (see worker.module.ts), so a job can never sit in a queue nobody reads.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  auditExports: 'audit-exports',
  auditCheckpoints: 'audit-checkpoints',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const MAINTENANCE_JOBS = { ping: 'ping', expireExports: 'expire-exports' } as const;

export const AUDIT_EXPORT_JOBS = { build: 'build' } as const;
