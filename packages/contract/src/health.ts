import { initContract } from '@ts-rest/core';
import { z } from 'zod';

const c = initContract();

export const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['up', 'down']),
  redis: z.enum(['up', 'down']),
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
