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
import { AuditStore, type PendingEntry, type RowRead } from './audit.store';
import { noteRecorded } from './seal-signal';

/**
 * A parent whose label is not known yet: its row is read with every other such parent in one statement
 * (one round trip, in the same transaction and behind the same wall as a separate read), and `label`
 * makes the label from it (null: no such row visible).
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

function searchText(e: Pick<PendingEntry, 'action' | 'actor' | 'target' | 'links' | 'changes'>): string {
  const parts = [auditActionLabel(e.action), e.actor.name, e.actor.email ?? '', ...e.links.map((l) => l.label)];
  for (const c of e.changes) {
    for (const v of [c.before, c.after]) {
      if (v !== null && v !== undefined && v !== '[redacted]') parts.push(typeof v === 'string' ? v : JSON.stringify(v));
    }
  }
  return parts.join(' ').toLowerCase().slice(0, SEARCH_TEXT_MAX);
}

/**
 * Records audit entries (the sealer chains them: audit-sealer.ts). Always inside the caller's
 * transaction (the interceptor's for HTTP, the
 * caller's own for jobs and the seed): if the transaction rolls back, so does the entry.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly store: AuditStore,
  ) {}

  /**
   * Records an entry in the caller's transaction: into audit_pending, with no lock on the account —
   * its seq, prev_hash and hash are given by the sealer (audit-sealer.ts) once the transaction has
   * committed, in commit order. Returned as recorded: `seq`, `prevHash` and `hash` null (sealing).
   */
  async record(input: RecordInput): Promise<AuditEntry> {
    const em = this.txHost.tx;
    if (!em.queryRunner?.isTransactionActive) {
      throw new Error('AuditService.record must run inside a transaction (txHost.withTransaction)');
    }
    const reads = input.parents.filter((p): p is UnlabelledParent => typeof p.label === 'function');
    const rows = await this.store.readRows(reads.map((p) => p.row));
    const parents = input.parents.map((p): ItemRef => {
      if (typeof p.label === 'string') return p as ItemRef;
      const read = p as UnlabelledParent;
      return { type: read.type, id: read.id, label: read.label(rows[reads.indexOf(read)] ?? null) };
    });

    const seen = new Set<string>();
    const links = [input.target, ...parents].filter((l) => {
      const k = `${l.type}:${l.id.toLowerCase()}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    const entry: PendingEntry = {
      id: uuidv7(),
      accountId: input.accountId,
      occurredAt: (input.occurredAt ?? now()).toISOString(),
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
    const pos = await this.store.insertPending(entry, searchText(entry));
    noteRecorded(em.queryRunner, entry.accountId, pos);
    return { ...entry, seq: null, prevHash: null, hash: null };
  }
}
