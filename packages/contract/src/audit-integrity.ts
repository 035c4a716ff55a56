import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ERROR_RESPONSES, ZIsoDateTime, ZPage, ZPageQuery, ZUuid } from './common';

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

export const ZIntegrityReport = z.object({
  ok: z.boolean(),
  verifiedThroughSeq: z.number().int().nonnegative(),
  headSeq: z.number().int().nonnegative(),
  headHash: ZHash,
  entriesChecked: z.number().int().nonnegative(),
  lastCheckpoint: ZCheckpoint.extend({ signatureValid: z.boolean() }).nullable(),
  firstBrokenSeq: z.number().int().positive().optional(),
  reason: z.string().optional(),
  checkedAt: ZIsoDateTime,
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
    summary: "Walk the account's hash chain and check its latest signed checkpoint",
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
