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
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Error('non-finite numbers have no canonical form');
      return JSON.stringify(value);
    case 'object': {
      // Loops, not map/filter/join: verification walks millions of entries (≥ 200,000 a second).
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
        return `${out}]`;
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length > 1) keys.sort(); // UTF-16 code units
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
    default:
      throw new Error(`no canonical form for ${typeof value}`);
  }
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

const str = JSON.stringify;
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** `{"id":…,"label":…,"type":…}` for an item reference with exactly those string keys, else null. */
function itemRef(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  let n = 0;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) n++;
  if (n !== 3 || typeof o.id !== 'string' || typeof o.label !== 'string' || typeof o.type !== 'string') return null;
  return `{"id":${str(o.id)},"label":${str(o.label)},"type":${str(o.type)}}`;
}

function links(v: unknown): string {
  if (!Array.isArray(v)) return canonicalJson(v);
  let out = '[';
  for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (itemRef(v[i]) ?? canonicalJson(v[i]));
  return `${out}]`;
}

/** The actor and context as entries hold them (four keys, strings or null); anything else the generic way. */
function fourOf(v: unknown, keys: readonly [string, string, string, string]): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return canonicalJson(v);
  const o = v as Record<string, unknown>;
  let n = 0;
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) n++;
  const [a, b, c, d] = keys;
  if (n !== 4 || !isStrOrNull(o[a]) || !isStrOrNull(o[b]) || !isStrOrNull(o[c]) || !isStrOrNull(o[d])) return canonicalJson(v);
  return `{"${a}":${str(o[a])},"${b}":${str(o[b])},"${c}":${str(o[c])},"${d}":${str(o[d])}}`;
}
/**
 * `changes` as entries hold them: an array of `{after, before, field}` with a string field, the keys
 * written in their sorted order (the values the generic way); anything else the generic way.
 */
function changes(v: unknown): string {
  if (!Array.isArray(v)) return canonicalJson(v);
  let out = '[';
  for (let i = 0; i < v.length; i++) {
    const c = v[i] as Record<string, unknown> | null;
    let n = 0;
    if (typeof c === 'object' && c !== null && !Array.isArray(c)) for (const k in c) if (Object.prototype.hasOwnProperty.call(c, k)) n++;
    out +=
      (i ? ',' : '') +
      (n === 3 && typeof c!.field === 'string' && c!.after !== undefined && c!.before !== undefined
        ? `{"after":${canonicalJson(c!.after)},"before":${canonicalJson(c!.before)},"field":${str(c!.field)}}`
        : canonicalJson(c));
  }
  return `${out}]`;
}

const ACTOR_KEYS = ['email', 'id', 'name', 'type'] as const;
const CONTEXT_KEYS = ['ip', 'requestId', 'source', 'userAgent'] as const;

export function canonicalEntry(e: ChainedEntry): string {
  // The same bytes as canonicalJson({accountId, seq, occurredAt, …}) — the golden vectors pin it —
  // with the keys written in their sorted order and the fixed shapes (actor, target, links,
  // context) written directly: verification walks millions of entries.
  let out = '{';
  let first = true;
  const field = (key: string, v: unknown, encoded: () => string) => {
    if (v === undefined) return;
    out += `${first ? '' : ','}"${key}":${encoded()}`;
    first = false;
  };
  field('accountId', e.accountId, () => canonicalJson(e.accountId));
  field('action', e.action, () => canonicalJson(e.action));
  field('actor', e.actor, () => fourOf(e.actor, ACTOR_KEYS));
  field('changes', e.changes, () => changes(e.changes));
  field('context', e.context, () => fourOf(e.context, CONTEXT_KEYS));
  field('links', e.links, () => links(e.links));
  field('occurredAt', e.occurredAt, () => canonicalJson(e.occurredAt));
  field('seq', e.seq, () => canonicalJson(e.seq));
  field('target', e.target, () => itemRef(e.target) ?? canonicalJson(e.target));
  return `${out}}`;
}
