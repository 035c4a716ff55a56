/**
 * The tamper-evident chain. Each entry's hash is SHA-256 over its canonical form followed by the
 * previous entry's hash (hex), within one account, in seq order.
 *
 * Canonical form (stable; changing it breaks every existing chain): JSON with object keys sorted by
 * UTF-16 code units, no insignificant whitespace, numbers as ECMAScript prints them, strings as
 * JSON.stringify escapes them (RFC 8785 for the values entries hold), timestamps as ISO-8601 UTC with
 * milliseconds. Fields: accountId, seq, occurredAt, action, actor, target, links, changes, context.
 */
import { createHash } from 'node:crypto';
import { type AuditEntry } from '@keyledger/contract';

export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('non-finite numbers have no canonical form');
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  throw new Error(`no canonical form for ${typeof value}`);
}

export type ChainedFields = Pick<
  AuditEntry,
  'accountId' | 'seq' | 'occurredAt' | 'action' | 'actor' | 'target' | 'links' | 'changes' | 'context'
>;

export function canonicalEntry(e: ChainedFields): string {
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

export function entryHash(e: ChainedFields, prevHash: string): string {
  return createHash('sha256').update(canonicalEntry(e)).update(prevHash).digest('hex');
}
