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
import { AuditStore, type RowRead } from './audit.store';

/**
 * A parent whose label is not known yet: its row is read by the statement that takes the head (one
 * round trip for the head and every such parent, in the same transaction and behind the same wall as a
 * separate read), and `label` makes the label from it (null: no such row visible).
 */
export interface UnlabelledParent extends Omit<ItemRef, 'label'> {
  row: RowRead;
  label: (row: Record<string, unknown> | null) => string;
}

export interface RecordInput {
  accountId: string;
  action: AuditAction;
  actor: AuditActor;
  target: ItemRef;
  /** Items whose pages show the entry besides the target (its parents). */
  parents: Array<ItemRef | UnlabelledParent>;
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
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly store: AuditStore,
  ) {}

  async record(input: RecordInput): Promise<AuditEntry> {
    const em = this.txHost.tx;
    if (!em.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside a transaction (txHost.withTransaction)');
    }
    // Taking the account's head row lock orders this account's writers: seq is gap-free, and the
    // lock is held until COMMIT, so seq order is commit order.
    const reads = input.parents.filter((p): p is UnlabelledParent => typeof p.label === 'function');
    const row = await this.store.reserveSeq(input.accountId, reads.map((p) => p.row));
    if (!row) throw new Error(`Account ${input.accountId} has no audit head`);
    const parents = input.parents.map((p): ItemRef => {
      if (typeof p.label === 'string') return p as ItemRef;
      const read = p as UnlabelledParent;
      return { type: read.type, id: read.id, label: read.label(row.rows[reads.indexOf(read)] ?? null) };
    });

    const seen = new Set<string>();
    const links = [input.target, ...parents].filter((l) => {
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
    const recorded: AuditEntry = { ...entry, prevHash: row.last_hash, hash: entryHash(entry, row.last_hash) };
    await this.store.insertEntry(recorded, searchText(entry));
    return recorded;
  }
}
