import {
  auditFieldItemType,
  auditFieldLabel,
  type FieldChange,
  type ItemRef,
} from '@keyledger/contract';
import { formatInstant, ISO_INSTANT_VALUE, type ZoneMode } from '../../../app/time';

const MAX_VALUE_CHARS = 60;

/** Past this a value is folded, with "Show all". */
export const FOLD_CHARS = 160;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
}

/**
 * A field value as the UI shows it: absent values as "—", booleans as Yes/No, instants in the viewer's
 * zone, strings as they are, lists comma-separated, the rest as JSON.
 */
export function formatValue(value: unknown, max = Infinity, zone: ZoneMode = 'local'): string {
  let text: string;
  if (value === undefined || value === null) text = '—';
  else if (typeof value === 'boolean') text = value ? 'Yes' : 'No';
  else if (typeof value === 'string')
    text = ISO_INSTANT_VALUE.test(value) ? formatInstant(value, zone) : value;
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    text = value.length ? value.map((v) => formatValue(v, Infinity, zone)).join(', ') : 'none';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Both sides lists of plain values: what was added and removed (order ignored). */
export function arrayDiff(
  before: unknown,
  after: unknown,
): { added: unknown[]; removed: unknown[]; kept: unknown[] } | null {
  const plain = (v: unknown): v is unknown[] =>
    Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
  if (!(plain(before) || before == null) || !(plain(after) || after == null)) return null;
  if (!plain(before) && !plain(after)) return null;
  const b = plain(before) ? before : [];
  const a = plain(after) ? after : [];
  const key = (x: unknown) => JSON.stringify(x);
  const inB = new Set(b.map(key));
  const inA = new Set(a.map(key));
  return {
    added: a.filter((x) => !inB.has(key(x))),
    removed: b.filter((x) => !inA.has(key(x))),
    kept: a.filter((x) => inB.has(key(x))),
  };
}

/**
 * The item a field's id value points to, named. Resolved at read time: first from the entry's own
 * links (labels snapshotted when the entry was written, so a renamed or deleted item keeps the name
 * it had), else null and the UI fetches the item's current name through the item-type registry.
 */
export function linkedItem(
  field: string,
  value: unknown,
  links: readonly ItemRef[],
): {
  type: NonNullable<ReturnType<typeof auditFieldItemType>>;
  id: string;
  label: string | null;
} | null {
  const type = auditFieldItemType(field);
  if (!type || !isUuid(value)) return null;
  const link = links.find((l) => l.type === type && l.id === value);
  return { type, id: value, label: link?.label ?? null };
}

/** `Name: Old → New`, with the contract's field label. */
export function formatChange(
  change: FieldChange,
  max = MAX_VALUE_CHARS,
  zone: ZoneMode = 'local',
  links: readonly ItemRef[] = [],
): string {
  const label = auditFieldLabel(change.field);
  const diff = arrayDiff(change.before, change.after);
  if (diff && (diff.added.length || diff.removed.length)) {
    const parts = [];
    if (diff.added.length) parts.push(`+${formatValue(diff.added, max, zone)}`);
    if (diff.removed.length) parts.push(`−${formatValue(diff.removed, max, zone)}`);
    return `${label}: ${parts.join(' ')}`;
  }
  const side = (v: unknown) =>
    linkedItem(change.field, v, links)?.label ?? formatValue(v, max, zone);
  return `${label}: ${side(change.before)} → ${side(change.after)}`;
}

/** One line for the table: the first change, and how many more there are. */
export function summarizeChanges(
  changes: readonly FieldChange[],
  zone: ZoneMode = 'local',
  links: readonly ItemRef[] = [],
): string {
  const [first, ...rest] = changes;
  if (!first) return '';
  const line = formatChange(first, MAX_VALUE_CHARS, zone, links);
  return rest.length ? `${line}, +${rest.length} more` : line;
}
