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

/** A row of a page: a sealed entry, or one still sealing (audit_pending: no seq, no hashes yet). */
export type ListedEntryRow = Omit<AuditEntryRow, 'seq' | 'hash' | 'prev_hash'> & {
  seq: string | null;
  hash: string | null;
  prev_hash: string | null;
};

export function toAuditEntry(r: ListedEntryRow): AuditEntry {
  return {
    id: r.id,
    seq: r.seq === null ? null : Number(r.seq),
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
