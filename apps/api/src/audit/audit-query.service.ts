import { Injectable } from '@nestjs/common';
import {
  AUDIT_ACTION_CATALOG,
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  type AuditCatalog,
  type AuditEntry,
  type AuditEntryPage,
  type AuditLogFilter,
  type ItemAuditLogQuery,
  type ItemType,
} from '@keyledger/contract';
import { decodeCursor, encodeCursor, isSeqCursor, type SeqCursor } from '../common/cursor';
import { notFound } from '../common/errors';
import { currentAccountId } from '../common/request-context';
import { type ListedEntryRow, toAuditEntry } from './audit-entry.mapper';
import { resolveOrThrow } from './audit-filter';
import { AuditStore } from './audit.store';

@Injectable()
export class AuditQueryService {
  constructor(private readonly store: AuditStore) {}

  /** The account's log, newest first. Keyset on seq: new entries only ever get higher numbers. */
  async list(query: AuditLogFilter & { limit: number; cursor?: string }): Promise<AuditEntryPage> {
    const { limit, cursor: rawCursor, ...filter } = query;
    const cursor = decodeCursor<SeqCursor>(rawCursor, isSeqCursor);
    const rows = await this.store.list(currentAccountId(), resolveOrThrow(filter), limit, cursor?.s);
    return this.page(rows, limit);
  }

  /** One entry of the caller's account; 404 when it is not there (or in another account). */
  async get(id: string): Promise<AuditEntry> {
    const row = await this.store.entry(currentAccountId(), id);
    if (!row) throw notFound('Audit entry');
    return toAuditEntry(row);
  }

  /** One item's history: entries about it and, unless `related` is false, about its children. */
  async itemHistory(type: ItemType, id: string, query: ItemAuditLogQuery): Promise<AuditEntryPage> {
    const cursor = decodeCursor<SeqCursor>(query.cursor, isSeqCursor);
    const rows = await this.store.history(currentAccountId(), type, id, { related: query.related, limit: query.limit, beforeSeq: cursor?.s });
    return this.page(rows, query.limit);
  }

  catalog(): AuditCatalog {
    return {
      groups: AUDIT_ACTION_GROUPS.map((g) => ({
        id: g.id,
        label: g.label,
        actions: AUDIT_ACTIONS.filter((a) => AUDIT_ACTION_CATALOG[a].group === g.id).map((a) => ({
          action: a,
          label: AUDIT_ACTION_CATALOG[a].label,
        })),
      })),
    };
  }

  private page(rows: ListedEntryRow[], limit: number): AuditEntryPage {
    // A first page may start with entries still sealing; the cursor goes on below the last sealed one
    // shown (when a page shows only sealing entries: below the oldest sealed, which the next page starts with).
    const page = rows.slice(0, limit);
    const lastSealed = [...page].reverse().find((r) => r.seq !== null);
    const nextSealed = rows[limit]?.seq ?? null;
    const cursorSeq = lastSealed ? Number(lastSealed.seq) : nextSealed === null ? null : Number(nextSealed) + 1;
    return {
      items: page.map(toAuditEntry),
      nextCursor: rows.length > limit && cursorSeq !== null ? encodeCursor({ s: cursorSeq }) : null,
    };
  }
}
