import { initContract } from '@ts-rest/core';
import { z } from 'zod';

const c = initContract();

export const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
  /**
   * Audit entries committed and not sealed yet (all accounts together), how long the oldest has waited,
   * and how many accounts this process's sealer last failed to seal (it retries; the log says why).
   * Absent when the database is down.
   */
  sealing: z
    .object({
      entries: z.number().int().nonnegative(),
      oldestSeconds: z.number().nonnegative().nullable(),
      failingAccounts: z.number().int().nonnegative(),
    })
    .optional(),
});
export type Health = z.infer<typeof ZHealth>;

export const healthContract = c.router({
  check: {
    method: 'GET',
    path: '/api/v1/health',
    responses: { 200: ZHealth, 503: ZHealth },
    metadata: { public: true } as const,
    summary: 'Whether the API reaches PostgreSQL and Redis',
  },
});
