import { type AuditAction, describeAuditFilter, resolveAuditFilter } from '@keyledger/contract';
import dayjs from 'dayjs';
import type { AuditLogListFilter } from './auditLogSearch';

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/**
 * The contract's one-line description of the filters, with its instants in the browser's time
 * zone like the table's times ("from 2026-03-09 00:00", not "from 2026-03-08T23:00:00.000Z").
 * Null when nothing narrows the entries or the filters are invalid (the API says why).
 */
export function describeAuditSearch(
  filter: AuditLogListFilter,
  actions: AuditAction[] | undefined,
): string | null {
  const resolved = resolveAuditFilter({ ...filter, action: actions });
  if (!resolved.ok || Object.keys(resolved.value).length === 0) return null;
  return describeAuditFilter(resolved.value).replace(ISO_INSTANT, (iso) =>
    dayjs(iso).format('YYYY-MM-DD HH:mm'),
  );
}
