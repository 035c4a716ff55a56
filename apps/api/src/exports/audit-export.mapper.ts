import { AUDIT_EXPORT_ORDER, type AuditExport, type AuditLogFilter, describeAuditFilter, resolveAuditFilter } from '@keyledger/contract';
import { encodingOf } from './audit-export.format';
import { type AuditExportRow } from './audit-exports.repository';
import { type ExportLinkSigner } from './export-link.signer';

/** `audit-log-acme-software-2026-11-25.csv`: the account and the day the export was asked for (UTC). */
export function exportFileName(accountSlug: string, row: Pick<AuditExportRow, 'format' | 'created_at'>): string {
  return `audit-log-${accountSlug}-${row.created_at.toISOString().slice(0, 10)}.${encodingOf(row.format).extension}`;
}

/** The filter in words, for the status route and the emails. */
export function filterInWords(filter: AuditLogFilter): string {
  const r = resolveAuditFilter(filter);
  return r.ok ? describeAuditFilter(r.value) : 'a filter that is no longer valid';
}

const num = (v: string | null) => (v === null ? null : Number(v));

export function percentOf(row: Pick<AuditExportRow, 'status' | 'rows_written' | 'rows_total_estimate'>): number {
  if (row.status === 'completed') return 100;
  const total = Number(row.rows_total_estimate ?? 0);
  if (total <= 0) return 0;
  return Math.min(99, Math.floor((Number(row.rows_written) / total) * 100));
}

export function toAuditExportDto(row: AuditExportRow, accountSlug: string, signer: ExportLinkSigner): AuditExport {
  const link = row.status === 'completed' ? signer.link(row.id, row.account_id) : null;
  return {
    id: row.id,
    status: row.status,
    format: row.format,
    filter: row.filter,
    filterDescription: filterInWords(row.filter),
    order: AUDIT_EXPORT_ORDER,
    requestedBy: { id: row.requested_by_id, name: row.requested_by_name, email: row.requested_by_email },
    rowsWritten: Number(row.rows_written),
    rowsTotalEstimate: num(row.rows_total_estimate),
    percent: percentOf(row),
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
    firstSeq: num(row.first_seq),
    lastSeq: num(row.last_seq),
    sizeBytes: num(row.size_bytes),
    sha256: row.sha256,
    fileName: row.status === 'completed' ? exportFileName(accountSlug, row) : null,
    downloadUrl: link?.url ?? null,
    downloadExpiresAt: link?.expiresAt.toISOString() ?? null,
    ...(row.status === 'failed' && row.error ? { error: row.error } : {}),
    ...(row.status === 'expired' && row.expired_at ? { expiredAt: row.expired_at.toISOString() } : {}),
  };
}
