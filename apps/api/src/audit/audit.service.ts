import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  type AuditAction,
  type AuditActor,
  type AuditContext,
  type AuditEntry,
  type FieldChange,
  type ItemRef,
  auditActionLabel,
} from '@keyledger/contract';
import { uuidv7 } from '../common/ids';
import { currentRequestId, now } from '../common/request-context';
import { entryHash } from '@keyledger/verify';

export interface RecordInput {
  accountId: string;
  action: AuditAction;
  actor: AuditActor;
  target: ItemRef;
  /** Items whose pages show the entry besides the target (its parents). */
  parents: ItemRef[];
  changes: FieldChange[];
  context?: Partial<AuditContext>;
  occurredAt?: Date;
}

const SEARCH_TEXT_MAX = 4000;

/** How far behind the previous entry a clock may be and still be taken for skew between API processes. */
const CLOCK_SKEW_MS = 1000;

/**
 * An entry's time: the clock's, or the previous entry's if the clock is at most CLOCK_SKEW_MS behind
 * it, so that entries stay in time order and date filters stay seq ranges (migration
 * 1764450000000). A time further back (a back-dated entry) is kept as given; the account then
 * leaves time order (audit_heads.time_ordered) and its date filters take the exact, slower plan.
 */
function occurredAfter(at: Date, previous: Date | null): Date {
  if (!previous) return at;
  const behind = previous.getTime() - at.getTime();
  return behind > 0 && behind <= CLOCK_SKEW_MS ? previous : at;
}

function searchText(e: Pick<AuditEntry, 'action' | 'actor' | 'target' | 'links' | 'changes'>): string {
  const parts = [auditActionLabel(e.action), e.actor.name, e.actor.email ?? '', ...e.links.map((l) => l.label)];
  for (const c of e.changes) {
    for (const v of [c.before, c.after]) {
      if (v !== null && v !== undefined && v !== '[redacted]') parts.push(typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return parts.join(' ').toLowerCase().slice(0, SEARCH_TEXT_MAX);
}

/**
 * Writes audit entries. Always inside the caller's transaction (the interceptor's for HTTP, the
 * caller's own for jobs and the seed): if the transaction rolls back, so does the entry.
 */
@Injectable()
export class AuditService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async record(input: RecordInput): Promise<AuditEntry> {
    const em = this.txHost.tx;
    if (!em.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside a transaction (txHost.withTransaction)');
    }
    // Taking the account's head row lock orders this account's writers: seq is gap-free, and the
    // lock is held until COMMIT, so seq order is commit order.
    const head: Array<{ last_seq: string; last_hash: string; last_occurred_at: Date | null }> = await em.query(
      `WITH head AS (UPDATE audit_heads SET last_seq = last_seq + 1 WHERE account_id = $1 RETURNING last_seq, last_hash, last_occurred_at)
       SELECT last_seq, last_hash, last_occurred_at FROM head`,
      [input.accountId],
    );
    const row = head[0];
    if (!row) throw new Error(`Account ${input.accountId} has no audit head`);

    const seen = new Set<string>();
    const links = [input.target, ...input.parents].filter((l) => {
      const k = `${l.type}:${l.id}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    const entry: Omit<AuditEntry, 'hash' | 'prevHash'> = {
      id: uuidv7(),
      seq: Number(row.last_seq),
      accountId: input.accountId,
      occurredAt: occurredAfter(input.occurredAt ?? now(), row.last_occurred_at).toISOString(),
      action: input.action,
      actor: input.actor,
      target: input.target,
      links,
      changes: input.changes,
      context: {
        requestId: input.context?.requestId ?? currentRequestId() ?? null,
        ip: input.context?.ip ?? null,
        userAgent: input.context?.userAgent ?? null,
        source: input.context?.source ?? 'system',
      },
    };
    const hash = entryHash(entry, row.last_hash);
    await em.query(
      `WITH entry AS (
         INSERT INTO audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name,
           actor_email, target_type, target_id, target_label, links, changes, request_id, ip, user_agent, source,
           search_text, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
         RETURNING account_id, seq
       ), link_rows AS (
         INSERT INTO audit_entry_links (account_id, item_type, item_id, seq, is_target)
         SELECT entry.account_id, l.type, l.id::uuid, entry.seq, (l.type = $10 AND l.id::uuid = $11)
         FROM entry, jsonb_to_recordset($13::jsonb) AS l(type text, id text)
       )
       UPDATE audit_heads SET last_hash = $21, last_occurred_at = GREATEST(last_occurred_at, $4::timestamptz),
         time_ordered = time_ordered AND (last_occurred_at IS NULL OR $4::timestamptz >= last_occurred_at)
       WHERE account_id = $1`,
      [
        entry.accountId,
        entry.seq,
        entry.id,
        entry.occurredAt,
        entry.action,
        entry.actor.type,
        entry.actor.id,
        entry.actor.name,
        entry.actor.email,
        entry.target.type,
        entry.target.id,
        entry.target.label,
        JSON.stringify(entry.links),
        JSON.stringify(entry.changes),
        entry.context.requestId,
        entry.context.ip,
        entry.context.userAgent,
        entry.context.source,
        searchText(entry),
        row.last_hash,
        hash,
      ],
    );
    return { ...entry, prevHash: row.last_hash, hash };
  }
}
