import type { FieldChange } from '@keyledger/contract';

const MAX_VALUE_CHARS = 60;

/** A field value as the UI shows it: strings quoted, absent values as "—", the rest as JSON. */
export function formatValue(value: unknown, max = Infinity): string {
  let text: string;
  if (value === undefined || value === null) text = '—';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `name: "Old" → "New"` */
export function formatChange(change: FieldChange, max = MAX_VALUE_CHARS): string {
  return `${change.field}: ${formatValue(change.before, max)} → ${formatValue(change.after, max)}`;
}

/** One line for the table: the first change, and how many more there are. */
export function summarizeChanges(changes: readonly FieldChange[]): string {
  const [first, ...rest] = changes;
  if (!first) return '';
  return rest.length ? `${formatChange(first)}, +${rest.length} more` : formatChange(first);
}
