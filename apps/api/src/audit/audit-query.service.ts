import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
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
  type ResolvedAuditFilter,
  resolveAuditFilter,
} from '@keyledger/contract';
import { decodeCursor, encodeCursor, isSeqCursor, type SeqCursor } from '../common/cursor';
import { badRequest, notFound } from '../common/errors';
import { currentAccountId } from '../common/request-context';
import {
  AUDIT_ENTRY_COLUMNS,
  AUDIT_ENTRY_JSON,
  type AuditEntryRow,
  type EntryJson,
  type JoinedEntries,
  toAuditEntry,
} from './audit-entry.mapper';

/** A WHERE clause over audit_entries `e`, with its parameters. */
export interface EntryConditions {
  where: string[];
  params: unknown[];
}

const MAX_SEQ = '9223372036854775807';

/** Escape LIKE's wildcards so free text matches literally. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, '\\$&');

export function entryConditions(accountId: string, f: ResolvedAuditFilter): EntryConditions {
  const params: unknown[] = [accountId];
  const where = ['e.account_id = $1'];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // One action as `=`: its index then yields rows in seq order and the LIMIT stops the scan early.
  if (f.actions && f.actions.length === 1) where.push(`e.action = ${p(f.actions[0])}`);
  else if (f.actions && f.actions.length < AUDIT_ACTIONS.length)
    where.push(`e.action = ANY(${p(f.actions)}::text[])`);
  if (f.actorId) where.push(`e.actor_id = ${p(f.actorId)}`);
  if (f.actorEmail) where.push(`e.actor_email = ${p(f.actorEmail)}`);
  if (f.itemType && f.itemId) {
    where.push(
      `EXISTS (SELECT 1 FROM audit_entry_links l WHERE l.account_id = e.account_id AND l.item_type = ${p(f.itemType)} AND l.item_id = ${p(f.itemId)} AND l.seq = e.seq${f.targetOnly ? ' AND l.is_target' : ''})`,
    );
  } else if (f.itemType) {
    where.push(`e.target_type = ${p(f.itemType)}`);
  }
  // While the account's entries are in time order (audit_heads.time_ordered, kept by AuditService),
  // a date range is also a seq range: two probes of audit_entries_time_idx bound the seq, and the
  // scan stays on the filter's own (account_id, …, seq) index however far back the range lies. The
  // dates stay as the exact test; an account out of time order gets no seq bound (0 / max).
  const timeOrdered = (then: string, otherwise: string) =>
    `(SELECT CASE WHEN h.time_ordered THEN ${then} ELSE ${otherwise} END FROM audit_heads h WHERE h.account_id = $1)`;
  if (f.from) {
    const from = p(f.from.toISOString());
    where.push(`e.occurred_at >= ${from}`);
    const first = `(SELECT t.seq FROM audit_entries t WHERE t.account_id = $1 AND t.occurred_at >= ${from} ORDER BY t.occurred_at, t.seq LIMIT 1)`;
    where.push(`e.seq >= ${timeOrdered(`COALESCE(${first}, ${MAX_SEQ})`, '0')}`);
  }
  if (f.to) {
    const to = p(f.to.toISOString());
    where.push(`e.occurred_at < ${to}`);
    const last = `(SELECT t.seq FROM audit_entries t WHERE t.account_id = $1 AND t.occurred_at < ${to} ORDER BY t.occurred_at DESC, t.seq DESC LIMIT 1)`;
    where.push(`e.seq <= ${timeOrdered(`COALESCE(${last}, 0)`, MAX_SEQ)}`);
  }
  if (f.text) where.push(`e.search_text LIKE ${p(`%${likeLiteral(f.text.toLowerCase())}%`)}`);
  return { where, params };
}

/** Resolve a filter (with its search string) or answer 400 naming what is wrong. */
export function resolveOrThrow(filter: AuditLogFilter, pathPrefix = 'query'): ResolvedAuditFilter {
  const r = resolveAuditFilter(filter);
  if (!r.ok) {
    const details = r.issues.map((i) => ({ path: `${pathPrefix}.${i.path}`, message: i.message }));
    throw badRequest(
      `Invalid filter: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
  return r.value;
}

@Injectable()
export class AuditQueryService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The account's log, newest first. Keyset on seq: new entries only ever get higher numbers. */
  async list(query: AuditLogFilter & { limit: number; cursor?: string }): Promise<AuditEntryPage> {
    const { limit, cursor: rawCursor, ...filter } = query;
    const cursor = decodeCursor<SeqCursor>(rawCursor, isSeqCursor);
    const { where, params } = entryConditions(currentAccountId(), resolveOrThrow(filter));
    if (cursor) {
      params.push(cursor.s);
      where.push(`e.seq < $${params.length}`);
    }
    params.push(limit + 1);
    const rows: AuditEntryRow[] = await this.txHost.tx.query(
      `SELECT ${AUDIT_ENTRY_COLUMNS} FROM audit_entries e WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT $${params.length}`,
      params,
    );
    return this.page(rows, limit);
  }

  /**
   * Entries of one account after `afterSeq` (through `toSeq` when given) matching `filter`, in seq order:
   * what a log stream delivers next (the account is given: the worker has no principal). Each as JSON text
   * made by PostgreSQL (AUDIT_ENTRY_JSON, the value GET /audit-log returns), with the few fields a batch and
   * its senders read beside it: no row decoding nor re-encoding in Node.
   */
  async entriesJsonAfter(
    accountId: string,
    filter: ResolvedAuditFilter,
    afterSeq: number,
    limit: number,
    toSeq?: number,
  ): Promise<EntryJson[]> {
    const { where, params } = entryConditions(accountId, filter);
    params.push(afterSeq);
    where.push(`e.seq > $${params.length}`);
    if (toSeq !== undefined) {
      params.push(toSeq);
      where.push(`e.seq <= $${params.length}`);
    }
    const rows: Array<{ seq: string; prev_hash: string; json: string; occurred_at: Date; action: string; actor_name: string | null; target_type: string | null; target_label: string | null }> =
      await this.txHost.tx.query(
        `SELECT e.seq, e.prev_hash, ${AUDIT_ENTRY_JSON} AS json, e.occurred_at, e.action, e.actor_name, e.target_type, e.target_label FROM audit_entries e WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT ${limit | 0}`,
        params,
      );
    return rows.map((r) => ({
      seq: Number(r.seq),
      prevHash: r.prev_hash,
      json: r.json,
      occurredAt: r.occurred_at.toISOString(),
      action: r.action,
      actorName: r.actor_name,
      targetType: r.target_type,
      targetLabel: r.target_label,
    }));
  }

  /**
   * The same entries as entriesJsonAfter (after `afterSeq`, through `toSeq`, matching `filter`, in seq
   * order, at most `limit`), cut further at `maxBytes` of JSON (each entry's UTF-8 bytes and a comma;
   * the first entry is always taken), read as ONE value: PostgreSQL joins the entries' JSON with commas
   * (`e1,e2,…`, for a batch body's `entries` array) and answers one row with their count, the last seq
   * and the first entry's prev_hash, and how many were read (encoded) before the cut at `maxBytes`. No
   * per-row messages, strings or objects in Node: a log stream backfill spent most of its worker's time
   * on those. null when no entry matches.
   */
  async joinedJsonAfter(
    accountId: string,
    filter: ResolvedAuditFilter,
    afterSeq: number,
    limit: number,
    maxBytes: number,
    toSeq?: number,
  ): Promise<JoinedEntries | null> {
    const { where, params } = entryConditions(accountId, filter);
    params.push(afterSeq);
    where.push(`e.seq > $${params.length}`);
    if (toSeq !== undefined) {
      params.push(toSeq);
      where.push(`e.seq <= $${params.length}`);
    }
    params.push(maxBytes);
    const rows: Array<{ n: number; read: number; last_seq: string | null; prev_hash: string | null; json: string | null }> =
      await this.txHost.tx.query(
        `SELECT count(*) FILTER (WHERE b.kept)::int AS n, count(*)::int AS read, max(b.seq) FILTER (WHERE b.kept) AS last_seq,
                min(b.prev_hash) FILTER (WHERE b.nth = 1) AS prev_hash, string_agg(b.j, ',' ORDER BY b.seq) FILTER (WHERE b.kept) AS json
           FROM (SELECT r.seq, r.prev_hash, r.j, row_number() OVER w AS nth,
                        row_number() OVER w = 1 OR sum(octet_length(r.j) + 1) OVER w <= $${params.length} AS kept
                   FROM (SELECT e.seq, e.prev_hash, ${AUDIT_ENTRY_JSON} AS j FROM audit_entries e
                          WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT ${limit | 0}) r
                 WINDOW w AS (ORDER BY r.seq)) b`,
        params,
      );
    const r = rows[0];
    if (!r || r.n === 0 || r.json === null || r.last_seq === null || r.prev_hash === null) return null;
    return {
      count: r.n,
      read: r.read,
      lastSeq: Number(r.last_seq),
      firstPrevHash: r.prev_hash,
      joined: Buffer.from(r.json, 'utf8'),
    };
  }

  /** One entry of the caller's account; 404 when it is not there (or in another account). */
  async get(id: string): Promise<AuditEntry> {
    const rows: AuditEntryRow[] = await this.txHost.tx.query(
      `SELECT ${AUDIT_ENTRY_COLUMNS} FROM audit_entries e WHERE e.account_id = $1 AND e.id = $2`,
      [currentAccountId(), id],
    );
    const row = rows[0];
    if (!row) throw notFound('Audit entry');
    return toAuditEntry(row);
  }

  /** One item's history: entries about it and, unless `related` is false, about its children. */
  async itemHistory(type: ItemType, id: string, query: ItemAuditLogQuery): Promise<AuditEntryPage> {
    const cursor = decodeCursor<SeqCursor>(query.cursor, isSeqCursor);
    const params: unknown[] = [currentAccountId(), type, id];
    const where = ['l.account_id = $1', 'l.item_type = $2', 'l.item_id = $3'];
    if (!query.related) where.push('l.is_target');
    if (cursor) {
      params.push(cursor.s);
      where.push(`l.seq < $${params.length}`);
    }
    params.push(query.limit + 1);
    const rows: AuditEntryRow[] = await this.txHost.tx.query(
      `SELECT ${AUDIT_ENTRY_COLUMNS}
         FROM audit_entry_links l
         JOIN audit_entries e ON e.account_id = l.account_id AND e.seq = l.seq
        WHERE ${where.join(' AND ')}
        ORDER BY l.seq DESC
        LIMIT $${params.length}`,
      params,
    );
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

  private page(rows: AuditEntryRow[], limit: number): AuditEntryPage {
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toAuditEntry),
      nextCursor: rows.length > limit && last ? encodeCursor({ s: Number(last.seq) }) : null,
    };
  }
}
