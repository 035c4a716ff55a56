import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ERROR_RESPONSES, ZErrorBody, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZUuid } from './common';

const c = initContract();

export const ZHash = z.string().regex(/^[0-9a-f]{64}$/);

/** A signed statement of an account's chain head: Ed25519 over the canonical JSON of {accountId, seq, hash, at}. */
export const ZCheckpoint = z.object({
  accountId: ZUuid,
  seq: z.number().int().nonnegative(),
  hash: ZHash,
  at: ZIsoDateTime,
  keyId: z.string(),
  signature: z.string().describe('base64'),
});
export type CheckpointDto = z.infer<typeof ZCheckpoint>;

/** A full re-verification of an account's chain: queued on demand ("verify now") or on a schedule, run by the worker. */
export const ZIntegrityVerification = z.object({
  id: ZUuid,
  trigger: z.enum(['manual', 'schedule']),
  requestedBy: z.object({ type: z.enum(['platform_user', 'api_key', 'system']), id: z.string().nullable(), name: z.string() }),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  requestedAt: ZIsoDateTime,
  startedAt: ZIsoDateTime.nullable(),
  finishedAt: ZIsoDateTime.nullable(),
  /** The sealed head the run verifies up to (known once it started). */
  headSeq: z.number().int().nonnegative().nullable(),
  entriesChecked: z.number().int().nonnegative(),
  /** 0..1: entries checked / entries to check. */
  progress: z.number().min(0).max(1),
  threads: z.number().int().positive().nullable(),
  /** Set when completed: whether the whole chain, every link and the latest checkpoint held. */
  ok: z.boolean().nullable(),
  firstBrokenSeq: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
  /** Entries per second over the run (when completed). */
  entriesPerSecond: z.number().nonnegative().nullable(),
  error: z.string().nullable(),
});
export type IntegrityVerification = z.infer<typeof ZIntegrityVerification>;

/**
 * The account's stored integrity status, as the worker's verifiers left it (nothing is re-hashed on
 * read). `verifiedThroughSeq`..`headSeq` are sealed entries not yet verified (`unverifiedEntries`);
 * a break, once found, stays reported until a full verification finds the chain whole.
 */
export const ZIntegrityReport = z.object({
  /** False only when a verification found a break; entries not yet verified do not make it false. */
  ok: z.boolean(),
  verifiedThroughSeq: z.number().int().nonnegative(),
  /** The hash of entry verifiedThroughSeq (the genesis hash when nothing is verified yet). */
  verifiedThroughHash: ZHash,
  /** The last sealed entry's seq and hash (the chain head). */
  headSeq: z.number().int().nonnegative(),
  headHash: ZHash,
  /** Sealed entries beyond verifiedThroughSeq, not verified yet (the worker is on its way). */
  unverifiedEntries: z.number().int().nonnegative(),
  /** Entries the last incremental or full run checked. */
  entriesChecked: z.number().int().nonnegative(),
  /** The signed checkpoint the verified chain was checked against (the latest one at or below verifiedThroughSeq). */
  lastCheckpoint: ZCheckpoint.extend({ signatureValid: z.boolean() }).nullable(),
  firstBrokenSeq: z.number().int().positive().optional(),
  reason: z.string().optional(),
  /** When the break was found, and by which kind of run. */
  brokenAt: ZIsoDateTime.optional(),
  brokenBy: z.enum(['incremental', 'full']).optional(),
  /** When the worker last verified (null: never yet). */
  checkedAt: ZIsoDateTime.nullable(),
  /** The latest full re-verification (queued, running or done), or null. */
  lastFullVerification: ZIntegrityVerification.nullable(),
  /**
   * Entries committed but not sealed yet (no seq or hash: not in the chain, so not covered by it yet).
   * Normally 0, or a few for a few milliseconds; a number that stays, or an old `oldestRecordedAt`, means
   * sealing is held back (the sealer cannot write, or no API or worker process is running).
   */
  sealing: z.object({ entries: z.number().int().nonnegative(), oldestRecordedAt: ZIsoDateTime.nullable() }),
});
export type IntegrityReport = z.infer<typeof ZIntegrityReport>;

export const ZPublicKey = z.object({
  algorithm: z.literal('ed25519'),
  keyId: z.string(),
  publicKeyPem: z.string(),
});

export const auditIntegrityContract = c.router({
  verify: {
    method: 'GET',
    path: '/api/v1/audit-log/integrity',
    responses: { 200: ZIntegrityReport, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: "The account's stored integrity status: verified through which entry, against which checkpoint, any break (read at once; the worker verifies)",
  },
  requestVerification: {
    method: 'POST',
    path: '/api/v1/audit-log/integrity/verifications',
    body: c.noBody(),
    responses: { 202: ZIntegrityVerification, ...ERROR_RESPONSES, 503: ZErrorBody },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'Queue a full re-verification of the chain ("verify now"); while one is queued or running, that one is returned',
  },
  verifications: {
    method: 'GET',
    path: '/api/v1/audit-log/integrity/verifications',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZIntegrityVerification), ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'Full re-verifications, newest first',
  },
  verification: {
    method: 'GET',
    path: '/api/v1/audit-log/integrity/verifications/:id',
    pathParams: ZIdParams,
    responses: { 200: ZIntegrityVerification, ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'One full re-verification: status, progress, result',
  },
  publicKey: {
    method: 'GET',
    path: '/api/v1/audit-log/integrity/public-key',
    responses: { 200: ZPublicKey },
    metadata: { public: true } as const,
    summary: 'The Ed25519 public key that signs checkpoints (for offline verification)',
  },
  checkpoints: {
    method: 'GET',
    path: '/api/v1/audit-log/integrity/checkpoints',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZCheckpoint), ...ERROR_RESPONSES },
    metadata: { permission: 'audit_log:read' } as const,
    summary: 'Signed checkpoints, newest first',
  },
});
