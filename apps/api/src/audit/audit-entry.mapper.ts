import { type AuditEntry } from '@keyledger/contract';

/** A row of audit_entries as pg returns it. */
export interface AuditEntryRow {
  account_id: string;
  seq: string;
  id: string;
  occurred_at: Date;
  action: AuditEntry['action'];
  actor_type: AuditEntry['actor']['type'];
  actor_id: string | null;
  actor_name: string;
  actor_email: string | null;
  target_type: AuditEntry['target']['type'];
  target_id: string;
  target_label: string;
  links: AuditEntry['links'];
  changes: AuditEntry['changes'];
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  source: AuditEntry['context']['source'];
  hash: string;
  prev_hash: string;
}

export const AUDIT_ENTRY_COLUMNS =
  'e.account_id, e.seq, e.id, e.occurred_at, e.action, e.actor_type, e.actor_id, e.actor_name, e.actor_email, ' +
  'e.target_type, e.target_id, e.target_label, e.links, e.changes, e.request_id, e.ip, e.user_agent, e.source, e.hash, e.prev_hash';

export function toAuditEntry(r: AuditEntryRow): AuditEntry {
  return {
    id: r.id,
    seq: Number(r.seq),
    accountId: r.account_id,
    occurredAt: r.occurred_at.toISOString(),
    action: r.action,
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name, email: r.actor_email },
    target: { type: r.target_type, id: r.target_id, label: r.target_label },
    links: r.links,
    changes: r.changes,
    context: { requestId: r.request_id, ip: r.ip, userAgent: r.user_agent, source: r.source },
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** An entry as JSON text, with the fields a log stream batch and its senders read from it. */
export interface EntryJson {
  seq: number;
  prevHash: string;
  json: string;
  /** ISO 8601 (UTC, milliseconds), as in the JSON. */
  occurredAt: string;
  action: string;
  actorName: string | null;
  targetType: string | null;
  targetLabel: string | null;
}

/** Consecutive entries' JSON as one value, joined by commas (UTF-8), with what a batch's head needs of them. */
export interface JoinedEntries {
  count: number;
  /** How many entries were read and encoded to find the cut (`count`, or more when the bytes cut it). */
  read: number;
  lastSeq: number;
  /** The prev_hash of the first entry joined. */
  firstPrevHash: string;
  joined: Buffer;
}

/** A JSON string literal of a text column, or null (to_json escapes as JSON.stringify does). */
const jsonText = (column: string) => `COALESCE(to_json(${column})::text, 'null')`;

/**
 * An entry as JSON text, built by PostgreSQL: the same value (same keys, same order) as
 * `JSON.stringify(toAuditEntry(row))`, without decoding the row and encoding it again in Node
 * (log stream batches: a third of the worker's CPU). `links` is jsonb's own text (a space after
 * each `:` and `,`), `changes` the stored json text; parsed, every field is equal (held by
 * test/log-stream-faults.int-spec.ts against GET /audit-log).
 */
export const AUDIT_ENTRY_JSON =
  `'{"id":"' || e.id || '","seq":' || e.seq || ',"accountId":"' || e.account_id || '","occurredAt":"' || ` +
  `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","action":' || ${jsonText('e.action')} || ` +
  `',"actor":{"type":' || ${jsonText('e.actor_type')} || ',"id":' || ${jsonText('e.actor_id')} || ',"name":' || ${jsonText('e.actor_name')} || ` +
  `',"email":' || ${jsonText('e.actor_email')} || '},"target":{"type":' || ${jsonText('e.target_type')} || ',"id":"' || e.target_id || ` +
  `'","label":' || ${jsonText('e.target_label')} || '},"links":' || e.links::text || ',"changes":' || e.changes::text || ` +
  `',"context":{"requestId":' || ${jsonText('e.request_id')} || ',"ip":' || ${jsonText('e.ip')} || ',"userAgent":' || ${jsonText('e.user_agent')} || ` +
  `',"source":' || ${jsonText('e.source')} || '},"prevHash":"' || e.prev_hash || '","hash":"' || e.hash || '"}'`;
