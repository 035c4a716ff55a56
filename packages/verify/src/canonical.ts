/**
 * The canonical form of an audit entry: what its hash covers. Stable by design — changing it breaks
 * every existing chain — and checked against golden vectors in the tests.
 *
 * JSON with object keys sorted by UTF-16 code units, no insignificant whitespace, numbers as
 * ECMAScript prints them, strings escaped as JSON.stringify does (RFC 8785 for the values entries
 * hold), absent properties omitted, timestamps as ISO-8601 UTC with milliseconds. Fields: accountId,
 * seq, occurredAt, action, actor, target, links, changes, context.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite numbers have no canonical form');
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new Error(`no canonical form for ${typeof value}`);
}

/** The fields of an entry the chain covers. */
export interface ChainedEntry {
  accountId: string;
  seq: number;
  occurredAt: string;
  action: string;
  actor: unknown;
  target: unknown;
  links: unknown;
  changes: unknown;
  context: unknown;
}

export function canonicalEntry(e: ChainedEntry): string {
  return canonicalJson({
    accountId: e.accountId,
    seq: e.seq,
    occurredAt: e.occurredAt,
    action: e.action,
    actor: e.actor,
    target: e.target,
    links: e.links,
    changes: e.changes,
    context: e.context,
  });
}
