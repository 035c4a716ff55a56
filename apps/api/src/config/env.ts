/**
 * The only reader of process.env. Every setting the API, the worker and the scripts use is parsed
 * and defaulted here; the README and .env.example list the same names.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { type ExportStorageConfig, parseExportStorageUrl, type S3ExportStorageConfig } from './export-storage-url';

/** A duration: seconds, or a number with s, m, h or d (`90s`, `15m`, `24h`, `7d`); parsed to seconds. */
const ZDurationSeconds = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const m = /^\s*(\d+)\s*(s|m|h|d)?\s*$/i.exec(v);
    if (!m) return v;
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[
      (m[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'
    ];
    return Number(m[1]) * unit;
  },
  z
    .number({ invalid_type_error: 'must be a duration such as 3600, 90s, 15m, 24h or 7d' })
    .int()
    .positive(),
);

const ZRedisPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - only (at most 100)');

/** EXPORT_STORAGE_URL: empty means unset; otherwise the bucket's settings, or an issue naming the bad part (never the secret). */
const ZExportStorageUrl = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .transform((raw, ctx): S3ExportStorageConfig => {
      const parsed = parseExportStorageUrl(raw);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.message });
      return z.NEVER;
    })
    .optional(),
);

const ZBool = z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes'].includes(v.toLowerCase()) : v), z.boolean());

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/keyledger'),
  /** Connections per process: the owner's pool (writes, the worker's jobs) and the tenant-reads pool (signed-in GETs). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(20),
  DATABASE_READ_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** How long a query waits for a free connection before it fails. */
  DATABASE_POOL_WAIT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  /**
   * How long an audited response waits for its entry to be sealed (given its seq and hash) before it is
   * sent anyway (the entry then shows as sealing until the sealer gets to it). 0 (the default): never
   * wait — the entry is listed as sealing at once and sealed milliseconds later.
   */
  AUDIT_SEAL_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /** How often each API and worker process looks for entries nobody is sealing (a writer that died, another process's). */
  AUDIT_SEAL_SWEEP_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Keyledger <no-reply@keyledger.local>'),
  DATA_DIR: z.string().default('var'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: readable lines (pino-pretty) when stdout is a terminal, JSON lines otherwise. */
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 7),
  COOKIE_SECURE: ZBool.optional(),
  LOGIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  /** Sign-in attempts per address per 15 minutes, whatever the email (unknown emails included). */
  LOGIN_RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
  /** Password hashes/verifications (argon2id) running at once in one process; the rest wait in a short queue. */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Password hashes waiting for a slot in one process; beyond it, and beyond one address's share of it, 429. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
  SIGNUP_RATE_LIMIT: z.coerce.number().int().positive().default(20),
  /** Requests one API key may make per API_KEY_RATE_WINDOW (all API processes together); beyond it 429 with Retry-After. */
  API_KEY_RATE_LIMIT: z.coerce.number().int().positive().default(600),
  /** The window of API_KEY_RATE_LIMIT. */
  API_KEY_RATE_WINDOW: ZDurationSeconds.default(60),
  /** The demo account on an empty database: off unless asked (`npm start` asks; a production start does not). */
  DEMO_SEED: ZBool.default(false),
  DEMO_ADMIN_PASSWORD: z.string().min(10).optional(),
  WEB_DIST: z.string().optional(),
  /**
   * Prefix of every key Keyledger writes in Redis (BullMQ queues, rate limits): deployments sharing a
   * Redis must each set their own. QUEUE_PREFIX is its older name, still read when REDIS_PREFIX is unset.
   */
  REDIS_PREFIX: ZRedisPrefix.optional(),
  QUEUE_PREFIX: ZRedisPrefix.optional(),
  /** How long a job stays locked to its worker between heartbeats; a dead worker's job moves on after about this. */
  JOB_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Where finished exports are kept (default <DATA_DIR>/exports). */
  EXPORTS_DIR: z.string().optional(),
  /**
   * An S3-compatible bucket for export files instead of EXPORTS_DIR, so the API and the workers need no
   * shared disk: s3://[KEY:SECRET@]bucket[/prefix][?region=…&endpoint=…&forcePathStyle=true] (export-storage-url.ts).
   */
  EXPORT_STORAGE_URL: ZExportStorageUrl,
  /** Where mail goes as .eml files when SMTP_URL is not set (default <DATA_DIR>/mail). */
  MAIL_DIR: z.string().optional(),
  /** Signs export download links; default: a random key kept in <DATA_DIR>/secrets, made on first use. */
  EXPORT_SIGNING_SECRET: z.string().min(32).optional(),
  /** How long an export's download link works. */
  EXPORT_LINK_TTL: ZDurationSeconds.default(24 * 3600),
  /** Exports of one account queued or running at once; more answer 429. */
  EXPORT_MAX_ACTIVE_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(3),
  /** How long export files are kept; then the worker deletes the file and marks the export expired. */
  EXPORT_RETENTION: ZDurationSeconds.default(7 * 86400),
  /** Ed25519 private key (PKCS#8 PEM, or that PEM base64-encoded) signing audit checkpoints; default: a key file under DATA_DIR/keys. */
  AUDIT_SIGNING_KEY: z.string().optional(),
  CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often the worker's incremental verifier looks for sealed entries not yet verified. */
  INTEGRITY_VERIFY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** At most this many entries per account per incremental pass (the next pass continues). */
  INTEGRITY_INCREMENTAL_MAX_ENTRIES: z.coerce
    .number()
    .int()
    .min(100)
    .max(100_000_000)
    .default(500_000),
  /** Scheduled full re-verification of every account, every this many hours; 0 turns the schedule off ("verify now" still works). */
  INTEGRITY_FULL_VERIFY_INTERVAL_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 366)
    .default(24),
  /** Worker threads of one full verification (each verifies one seq range); default: the machine's cores. */
  INTEGRITY_VERIFY_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** A full verification uses one thread per this many entries at most (small chains run in one). */
  INTEGRITY_MIN_ENTRIES_PER_THREAD: z.coerce.number().int().min(1).default(50_000),
  /**
   * Encrypts log streams' secrets at rest (AES-256-GCM): 32 bytes as 64 hex characters or base64. Default:
   * a random key kept in <DATA_DIR>/secrets/log-stream-secrets.key, made on first use (API and workers must then share DATA_DIR).
   */
  LOG_STREAM_SECRETS_KEY: z
    .string()
    .refine(
      (s) => /^[0-9a-fA-F]{64}$/.test(s) || Buffer.from(s, 'base64').length === 32,
      'must be 32 bytes: 64 hex characters or base64',
    )
    .optional(),
  /** Lets streams deliver to private, loopback and link-local addresses (tests, on-premises receivers). Off by default (SSRF). */
  LOG_STREAM_ALLOW_PRIVATE_NETWORKS: ZBool.default(false),
  /** A PEM file of extra certificate authorities trusted for stream destinations (e.g. an internal CA), beside the usual ones. */
  LOG_STREAM_CA_FILE: z.string().optional(),
  /**
   * Where Datadog log streams send instead of https://http-intake.logs.<site>/api/v2/logs (an operator's
   * setting, e.g. a logs proxy; tests point it at a local receiver). Set by whoever runs Keyledger, never
   * by a tenant; requests still go through the private-address guard and LOG_STREAM_CA_FILE.
   */
  LOG_STREAM_DATADOG_INTAKE_URL: z
    .string()
    .url()
    .refine((s) => s.startsWith('https://'), 'must be an https:// URL')
    .optional(),
  /** How often an S3 stream rewrites the current hour's digest at most (the hour's final digest is always written). */
  LOG_STREAM_S3_DIGEST_EVERY_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** How often the worker looks for streams with entries to deliver (also the longest a batch waits to fill). */
  LOG_STREAM_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** At most this many entries per batch. */
  LOG_STREAM_BATCH_MAX_ENTRIES: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** At most about this many bytes of JSON per batch (a single larger entry still goes, alone). */
  LOG_STREAM_BATCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(10_000)
    .max(50_000_000)
    .default(1_000_000),
  /** How long one request to a destination may take in all (connecting, sending, the whole answer); then it is cut off. */
  LOG_STREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The first retry's delay after a failed batch; doubled after each further failure (with jitter), up to LOG_STREAM_RETRY_MAX_MS. */
  LOG_STREAM_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1000),
  LOG_STREAM_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(5 * 60_000),
  /** After this many failed batches in a row a stream is marked failing and the account's admins are emailed (once). */
  LOG_STREAM_FAILING_AFTER: z.coerce.number().int().min(1).max(1000).default(5),
  /** Test events one account may send per minute (429 with Retry-After beyond). */
  LOG_STREAM_TEST_EVENTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  /** How many log streams one account may have (409 beyond). */
  LOG_STREAM_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(10),
  /** How long a worker holds a stream between batches; a killed worker's streams move on to another after it. */
  LOG_STREAM_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
});

export type Env = Omit<z.infer<typeof ZEnv>, 'REDIS_PREFIX' | 'QUEUE_PREFIX' | 'EXPORT_STORAGE_URL'> & {
  PUBLIC_URL: string;
  EXPORTS_DIR: string;
  /** Where export files live: EXPORT_STORAGE_URL's bucket, else the folder EXPORTS_DIR (the URL itself, with its secret, is not kept). */
  EXPORT_STORAGE: ExportStorageConfig;
  MAIL_DIR: string;
  /** The one prefix of every Redis key (QUEUE_PREFIX is the same value, kept for older callers). */
  REDIS_PREFIX: string;
  QUEUE_PREFIX: string;
};

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.LOG_STREAM_LEASE_MS < 2 * parsed.data.LOG_STREAM_TIMEOUT_MS) {
    // A send is cut off at LOG_STREAM_TIMEOUT_MS; the lease taken just before it must outlast it, or a
    // second worker could claim the stream and send the same batch while the first is still sending.
    throw new Error(
      `Invalid configuration:\n  LOG_STREAM_LEASE_MS: must be at least twice LOG_STREAM_TIMEOUT_MS (${parsed.data.LOG_STREAM_TIMEOUT_MS} ms)`,
    );
  }
  const { EXPORT_STORAGE_URL: bucket, ...env } = parsed.data;
  const prefix = env.REDIS_PREFIX ?? env.QUEUE_PREFIX ?? 'keyledger';
  const exportsDir = env.EXPORTS_DIR ?? join(env.DATA_DIR, 'exports');
  return {
    ...env,
    REDIS_PREFIX: prefix,
    QUEUE_PREFIX: prefix,
    PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    EXPORTS_DIR: exportsDir,
    EXPORT_STORAGE: bucket ?? { kind: 'local', dir: exportsDir },
    MAIL_DIR: env.MAIL_DIR ?? join(env.DATA_DIR, 'mail'),
  };
}

/** The settings injected into Nest providers. */
export const ENV = Symbol('ENV');
