/**
 * The only reader of process.env. Every setting the API, the worker and the scripts use is parsed
 * and defaulted here; the README and .env.example list the same names.
 */
import { z } from 'zod';

const ZBool = z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes'].includes(v.toLowerCase()) : v), z.boolean());

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/keyledger'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Keyledger <no-reply@keyledger.local>'),
  DATA_DIR: z.string().default('var'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().int().positive().default(24 * 7),
  COOKIE_SECURE: ZBool.optional(),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  SIGNUP_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  DEMO_SEED: ZBool.default(true),
  DEMO_ADMIN_PASSWORD: z.string().min(10).optional(),
  WEB_DIST: z.string().optional(),
});

export type Env = z.infer<typeof ZEnv> & { PUBLIC_URL: string };

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  return { ...env, PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}` };
}

/** The settings injected into Nest providers. */
export const ENV = Symbol('ENV');
