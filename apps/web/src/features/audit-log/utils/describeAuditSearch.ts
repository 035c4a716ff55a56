import {
  AUDIT_ACTION_CATALOG,
  type AuditAction,
  describeAuditFilter,
  resolveAuditFilter,
} from '@keyledger/contract';
import { formatInstant, type ZoneMode } from '../../../app/time';
import type { AuditLogListFilter } from './auditLogSearch';
import { groupLabel, splitActions } from './filterModel';

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g;

/** "Licenses actions or Product created": whole groups by name, the rest by label (the first few). */
export function describeActions(actions: readonly AuditAction[]): string {
  const { groups, rest } = splitActions(actions);
  const names = [
    ...groups.map((g) => `any ${groupLabel(g)} action`),
    ...rest.map((a) => AUDIT_ACTION_CATALOG[a].label),
  ];
  const shown = names.slice(0, 4);
  const more = names.length - shown.length;
  return `${shown.join(' or ')}${more > 0 ? ` or ${more} more` : ''}`;
}

/**
 * The filters in words: the actions named (whole groups by their name), then the contract's
 * description of the rest, with its instants in the browser's time zone like the table's times.
 * Null when nothing narrows the entries or the filters are invalid.
 */
export function describeAuditSearch(
  filter: AuditLogListFilter,
  actions: AuditAction[] | undefined,
  zone: ZoneMode = 'local',
): string | null {
  const resolved = resolveAuditFilter({ ...filter, action: actions });
  if (!resolved.ok || Object.keys(resolved.value).length === 0) return null;
  // Masked license keys are explained beside the summary, with the key the viewer typed.
  const { actions: resolvedActions, maskedKeys: _masked, ...rest } = resolved.value;
  const parts: string[] = [];
  if (resolvedActions) parts.push(describeActions(resolvedActions));
  if (Object.keys(rest).length > 0) {
    parts.push(describeAuditFilter(rest).replace(ISO_INSTANT, (iso) => formatInstant(iso, zone)));
  }
  return parts.join(', ');
}
