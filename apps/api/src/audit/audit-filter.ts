import { type AuditLogFilter, type ResolvedAuditFilter, resolveAuditFilter } from '@keyledger/contract';
import { badRequest } from '../common/errors';

/** A filter of the audit log (GET /audit-log, an export's, a log stream's) resolved, or a 400 naming each bad field under `pathPrefix`. */
export function resolveOrThrow(filter: AuditLogFilter, pathPrefix = 'query'): ResolvedAuditFilter {
  const r = resolveAuditFilter(filter);
  if (!r.ok) {
    const details = r.issues.map((i) => ({ path: `${pathPrefix}.${i.path}`, message: i.message }));
    throw badRequest(
      `Invalid filter: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return r.value;
}
