/**
 * Audit-log exports: a queued job streams the entries a filter matches (the same filter as
 * `GET /api/v1/audit-log`) into a CSV or NDJSON file, oldest first (ascending `seq`), and emails the
 * requester a signed, expiring download link.
 */
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ZAuditLogFilter } from './audit-search';
import { ERROR_RESPONSES, ZErrorBody, ZIdParams, ZIsoDateTime, ZPage, ZPageQuery, ZUuid } from './common';

const c = initContract();

export const AUDIT_EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export const ZAuditExportFormat = z.enum(AUDIT_EXPORT_FORMATS);
export type AuditExportFormat = z.infer<typeof ZAuditExportFormat>;

/** `expired`: the file was deleted after the retention period (EXPORT_RETENTION); the record stays. */
export const AUDIT_EXPORT_STATUSES = ['queued', 'running', 'completed', 'failed', 'expired'] as const;
export const ZAuditExportStatus = z.enum(AUDIT_EXPORT_STATUSES);
export type AuditExportStatus = z.infer<typeof ZAuditExportStatus>;

/** The order of the entries in every export file. */
export const AUDIT_EXPORT_ORDER = 'seq_asc' as const;

/** The CSV header row, in column order. */
export const AUDIT_EXPORT_CSV_COLUMNS = [
  'occurred_at',
  'seq',
  'action',
  'action_label',
  'actor_type',
  'actor_name',
  'actor_email',
  'target_type',
  'target_id',
  'target_label',
  'changes',
  'request_id',
  'ip',
  'user_agent',
] as const;

export const ZCreateAuditExportBody = z
  .object({
    format: ZAuditExportFormat,
    filter: ZAuditLogFilter.default({}).describe('exactly what GET /api/v1/audit-log takes, including q'),
  })
  .strict();
export type CreateAuditExportBody = z.infer<typeof ZCreateAuditExportBody>;

export const ZAuditExportCreated = z.object({ id: ZUuid, status: z.literal('queued') });
export type AuditExportCreated = z.infer<typeof ZAuditExportCreated>;

export const ZAuditExport = z.object({
  id: ZUuid,
  status: ZAuditExportStatus,
  format: ZAuditExportFormat,
  filter: ZAuditLogFilter,
  filterDescription: z.string().describe('the filter in words'),
  order: z.literal(AUDIT_EXPORT_ORDER),
  requestedBy: z.object({ id: z.string().nullable(), name: z.string(), email: z.string().nullable() }),
  rowsWritten: z.number().int().nonnegative(),
  rowsTotalEstimate: z.number().int().nonnegative().nullable(),
  percent: z.number().int().min(0).max(100),
  createdAt: ZIsoDateTime,
  startedAt: ZIsoDateTime.nullable(),
  finishedAt: ZIsoDateTime.nullable(),
  // The manifest, once completed: row count (rowsWritten), first and last seq, size and SHA-256 of the file.
  firstSeq: z.number().int().positive().nullable(),
  lastSeq: z.number().int().positive().nullable(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  sha256: z.string().nullable(),
  fileName: z.string().nullable(),
  downloadUrl: z.string().url().nullable().describe('a signed link, valid until downloadExpiresAt; null until completed'),
  downloadExpiresAt: ZIsoDateTime.nullable(),
  error: z.string().optional().describe('why the export failed, and what to do'),
  expiredAt: ZIsoDateTime.optional().describe('when the file was deleted after the retention period (status expired)'),
});
export type AuditExport = z.infer<typeof ZAuditExport>;

export const ZAuditExportDownloadQuery = z.object({ token: z.string().min(1).max(500) }).strict();

const exportPermission = { permission: 'audit_log:export' } as const;

export const auditExportsContract = c.router({
  create: {
    method: 'POST',
    path: '/api/v1/audit-log/exports',
    body: ZCreateAuditExportBody,
    responses: { 202: ZAuditExportCreated, ...ERROR_RESPONSES, 429: ZErrorBody, 503: ZErrorBody },
    metadata: exportPermission,
    summary:
      'Queue an export of the entries the filter matches; a link is emailed when it is done. An account has at most ' +
      'EXPORT_MAX_ACTIVE_PER_ACCOUNT exports queued or running at once (429 with Retry-After beyond it)',
  },
  list: {
    method: 'GET',
    path: '/api/v1/audit-log/exports',
    query: ZPageQuery.strict(),
    responses: { 200: ZPage(ZAuditExport), ...ERROR_RESPONSES },
    metadata: exportPermission,
    summary: "The account's exports, newest first",
  },
  get: {
    method: 'GET',
    path: '/api/v1/audit-log/exports/:id',
    pathParams: ZIdParams,
    responses: { 200: ZAuditExport, ...ERROR_RESPONSES },
    metadata: exportPermission,
    summary: 'Status, progress, manifest and download link of one export',
  },
  download: {
    method: 'GET',
    path: '/api/v1/audit-log/exports/:id/download',
    pathParams: ZIdParams,
    query: ZAuditExportDownloadQuery,
    responses: {
      200: z.unknown().describe('the file: text/csv or application/x-ndjson'),
      ...ERROR_RESPONSES,
      410: ZErrorBody,
    },
    // Reached from an email, without the session cookie: the signed token authorises it.
    metadata: { public: true } as const,
    summary: 'Download a completed export with the signed link from its email or status',
  },
});
