import { type AuditEntry, type ItemType, type ResolvedAuditFilter, AUDIT_ACTIONS } from '@keyledger/contract';
import { AuditChainRepository, type ChainRow, type CheckpointRow, type Query } from './audit-chain.repository';
import { type EntryJson, type JoinedEntries, type ListedEntryRow } from './audit-entry.mapper';

/**
 * The audit store: the one owner of the SQL on the audit tables (audit_entries, audit_entry_links,
 * audit_heads, audit_pending — entries recorded and not yet sealed) and of the integrity tables beside them (audit_checkpoints, audit_integrity_status,
 * audit_integrity_runs). Insert, head, pages, histories, stream reads, export statements, chain reads
 * and integrity bookkeeping are its methods, and the column lists are its own; the rest of the API
 * (audit services, exports, integrity, log streams, accounts, the CLI) and the benchmark call it
 * instead of writing SQL on these tables.
 *
 * Two files, one class: the chain reads and the integrity bookkeeping are in audit-chain.repository.ts
 * (the base class, ~470 lines), the entries here. Like its base it runs on whatever executes SQL,
 * given as a `Query` — the request's transaction (the injectable provider in audit.module.ts runs on
 * TransactionHost.tx), a pg Client of an export or a verification thread, the benchmark's clients —
 * so the caller decides the transaction and the role (owner or behind row-level security).
 *
 * Statements that the caller must run itself (COPY streams, EXPLAIN in the benchmark) come out as
 * `Statement`s built here, so the SQL text stays the service's.
 */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** An account's head as the sealer locked it (the last sealed entry). */
export interface LockedHead {
  last_seq: string;
  last_hash: string;
  last_occurred_at: Date | null;
  time_ordered: boolean;
}

/** An entry as its writer records it: everything but its place in the chain. */
export type PendingEntry = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** A pending entry as the sealer reads it (PENDING_CHAIN_COLUMNS). */
export type PendingChainRow = Omit<ChainRow, 'seq' | 'hash' | 'prev_hash'> & { pos: string; id: string };

/** What sealing gives one pending entry. */
export interface Seal {
  pos: string;
  seq: number;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

/** One row of another table, by id, read with the head (an entry's parent, for its label). */
export interface RowRead {
  /** The table's name as TypeORM's metadata gives it (tablePath), unquoted. */
  table: string;
  id: string;
}

/** An identifier, double-quoted (a schema-qualified name is quoted part by part). */
const quoteIdent = (name: string) => name.split('.').map((part) => `"${part.replace(/"/g, '""')}"`).join('.');

const AUDIT_ENTRY_COLUMNS =
  'e.account_id, e.seq, e.id, e.occurred_at, e.action, e.actor_type, e.actor_id, e.actor_name, e.actor_email, ' +
  'e.target_type, e.target_id, e.target_label, e.links, e.changes, e.request_id, e.ip, e.user_agent, e.source, e.hash, e.prev_hash';

/** The same columns of an entry still sealing (audit_pending `e`): no seq, no hashes yet. */
const PENDING_ENTRY_COLUMNS = AUDIT_ENTRY_COLUMNS.replace('e.seq', 'NULL::bigint AS seq')
  .replace('e.hash', 'NULL::text AS hash')
  .replace('e.prev_hash', 'NULL::text AS prev_hash');

/** What the sealer reads of a pending entry: what the hash covers, the time as toISOString() writes it. */
const PENDING_CHAIN_COLUMNS =
  `e.pos, e.id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, e.action, ` +
  'e.actor_type, e.actor_id, e.actor_name, e.actor_email, e.target_type, e.target_id, e.target_label, e.links, e.changes, ' +
  'e.request_id, e.ip, e.user_agent, e.source';

/** A JSON string literal of a text column, or null (to_json escapes as JSON.stringify does). */
const jsonText = (column: string) => `COALESCE(to_json(${column})::text, 'null')`;

/**
 * An entry as JSON text, built by PostgreSQL: the same value (same keys, same order) as
 * `JSON.stringify(toAuditEntry(row))`, without decoding the row and encoding it again in Node
 * (log stream batches: a third of the worker's CPU). `links` is jsonb's own text (a space after
 * each `:` and `,`), `changes` the stored json text; parsed, every field is equal (held by
 * test/log-stream-faults.int-spec.ts against GET /audit-log).
 */
const AUDIT_ENTRY_JSON =
  `'{"id":"' || e.id || '","seq":' || e.seq || ',"accountId":"' || e.account_id || '","occurredAt":"' || ` +
  `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","action":' || ${jsonText('e.action')} || ` +
  `',"actor":{"type":' || ${jsonText('e.actor_type')} || ',"id":' || ${jsonText('e.actor_id')} || ',"name":' || ${jsonText('e.actor_name')} || ` +
  `',"email":' || ${jsonText('e.actor_email')} || '},"target":{"type":' || ${jsonText('e.target_type')} || ',"id":"' || e.target_id || ` +
  `'","label":' || ${jsonText('e.target_label')} || '},"links":' || e.links::text || ',"changes":' || e.changes::text || ` +
  `',"context":{"requestId":' || ${jsonText('e.request_id')} || ',"ip":' || ${jsonText('e.ip')} || ',"userAgent":' || ${jsonText('e.user_agent')} || ` +
  `',"source":' || ${jsonText('e.source')} || '},"prevHash":"' || e.prev_hash || '","hash":"' || e.hash || '"}'`;

/** The recorded head's seq of the account in `accountIdColumn`, as a scalar subquery (for statements of other tables). */
export const headSeqOf = (accountIdColumn: string) =>
  `(SELECT h.last_seq FROM audit_heads h WHERE h.account_id = ${accountIdColumn})`;

/** A WHERE clause over audit_entries `e`, with its parameters. */
interface EntryConditions {
  where: string[];
  params: unknown[];
}

/** Escape LIKE's wildcards so free text matches literally. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * The filter over `e`: sealed entries (audit_entries) by default, or entries still sealing
 * (audit_pending, `pending`): no seq there, so an item is matched in the entry's own `links` and a date
 * range on the time alone (the pending table holds only the last moment's entries). `params` may be
 * shared with another part of the same statement; `$1` must be the account.
 */
function entryConditions(accountId: string, f: ResolvedAuditFilter, pending = false, params: unknown[] = [accountId]): EntryConditions {
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
  if (f.itemType && f.itemId && pending) {
    where.push(
      f.targetOnly
        ? `e.target_type = ${p(f.itemType)} AND e.target_id = ${p(f.itemId)}::uuid`
        : `e.links @> jsonb_build_array(jsonb_build_object('type', ${p(f.itemType)}::text, 'id', ${p(f.itemId.toLowerCase())}::text))`,
    );
  } else if (f.itemType && f.itemId) {
    where.push(
      `EXISTS (SELECT 1 FROM audit_entry_links l WHERE l.account_id = e.account_id AND l.item_type = ${p(f.itemType)} AND l.item_id = ${p(f.itemId)} AND l.seq = e.seq${f.targetOnly ? ' AND l.is_target' : ''})`,
    );
  } else if (f.itemType) {
    where.push(`e.target_type = ${p(f.itemType)}`);
  }
  // While the account's entries are in time order (audit_heads.time_ordered, kept by the sealer),
  // a date range is also a seq range: two probes of audit_entries_time_idx bound the seq, and the
  // scan stays on the filter's own (account_id, …, seq) index however far back the range lies. The
  // dates stay as the exact test, unindexable (`+ interval '0'`): as an index condition the planner would
  // count the range twice (seq and date) and pick the time index and a sort for some filters. An account out
  // of time order gets no seq bound (0 / max): exact, walking its filter's index newest first. The probes
  // are functions (migration 1767500000000) so that behind the RLS wall the query names audit_entries
  // once; behind the wall they answer only for the session's own account (NULL, so no row, otherwise).
  if (f.from) {
    const from = p(f.from.toISOString());
    where.push(`e.occurred_at + interval '0' >= ${from}`);
    if (!pending) where.push(`e.seq >= audit_seq_floor($1, ${from})`);
  }
  if (f.to) {
    const to = p(f.to.toISOString());
    where.push(`e.occurred_at + interval '0' < ${to}`);
    if (!pending) where.push(`e.seq <= audit_seq_ceiling($1, ${to})`);
  }
  if (f.text) where.push(`e.search_text LIKE ${p(`%${likeLiteral(f.text.toLowerCase())}%`)}`);
  return { where, params };
}

/** What a log stream delivers next: `filter`'s entries after `afterSeq` (through `toSeq` when given). */
function streamConditions(accountId: string, filter: ResolvedAuditFilter, afterSeq: number, toSeq?: number): EntryConditions {
  const { where, params } = entryConditions(accountId, filter);
  params.push(afterSeq);
  where.push(`e.seq > $${params.length}`);
  if (toSeq !== undefined) {
    params.push(toSeq);
    where.push(`e.seq <= $${params.length}`);
  }
  return { where, params };
}

/** Resolve a filter (with its search string) or answer 400 naming what is wrong. */
export class AuditStore extends AuditChainRepository {
  constructor(query: Query) {
    super(query);
  }

  // ---- audit_heads ----

  /** A new account's empty chain. In the transaction that creates the account. */
  async createHead(accountId: string, genesisHash: string): Promise<void> {
    await this.query('INSERT INTO audit_heads (account_id, last_seq, last_hash) VALUES ($1, 0, $2)', [accountId, genesisHash]);
  }

  /**
   * Rows of other tables an entry needs (its parents' labels), read in one statement as JSON
   * (`row_to_json`: column names as keys), in order, null where no row is visible: one round trip
   * instead of one per row, in the caller's transaction and role like a separate SELECT.
   */
  async readRows(reads: RowRead[]): Promise<Array<Record<string, unknown> | null>> {
    if (!reads.length) return [];
    const cols = reads.map((r, i) => `(SELECT row_to_json(r) FROM ${quoteIdent(r.table)} r WHERE r.id = $${i + 1}) AS r${i}`).join(', ');
    const [row] = await this.query<Record<string, unknown>>(`SELECT ${cols}`, reads.map((r) => r.id));
    return reads.map((_, i) => (row?.[`r${i}`] as Record<string, unknown> | null) ?? null);
  }

  /** Every account with a chain (the CLI's --all). */
  async accountIds(): Promise<string[]> {
    const rows = await this.query<{ account_id: string }>('SELECT account_id FROM audit_heads ORDER BY account_id');
    return rows.map((r) => r.account_id);
  }

  async hasHead(accountId: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM audit_heads WHERE account_id = $1', [accountId])).length > 0;
  }

  /** Heads beyond their account's latest signed checkpoint (what the checkpoint signer signs next). */
  headsPastCheckpoint(): Promise<Array<{ account_id: string; last_seq: string; last_hash: string }>> {
    return this.query(
      `SELECT h.account_id, h.last_seq, h.last_hash
         FROM audit_heads h
        WHERE h.last_seq > COALESCE((SELECT max(c.seq) FROM audit_checkpoints c WHERE c.account_id = h.account_id), 0)`,
    );
  }

  async insertCheckpoint(c: { accountId: string; seq: number; hash: string; at: string; keyId: string; signature: string }): Promise<void> {
    await this.query(
      `INSERT INTO audit_checkpoints (account_id, seq, hash, at, key_id, signature) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING`,
      [c.accountId, c.seq, c.hash, c.at, c.keyId, c.signature],
    );
  }

  /** Signed checkpoints below `beforeSeq`, newest first (a page of the integrity view). */
  checkpointsBefore(accountId: string, beforeSeq: number, limit: number): Promise<CheckpointRow[]> {
    return this.query<CheckpointRow>(
      `SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints
        WHERE account_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [accountId, beforeSeq, limit],
    );
  }

  /** Signed checkpoints after `afterSeq`, oldest first (a full verification checks every signature). */
  checkpointsAfter(accountId: string, afterSeq: number, limit: number): Promise<CheckpointRow[]> {
    return this.query<CheckpointRow>(
      'SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [accountId, afterSeq, limit],
    );
  }

  // ---- audit_entries, audit_entry_links ----

  /**
   * A new entry, not yet sealed: into audit_pending in the caller's transaction (no head, no lock).
   * Returns its `pos` (the order entries were recorded in), which the sealer removes when it seals it.
   */
  async insertPending(entry: PendingEntry, searchText: string): Promise<string> {
    // The links are checked here, not first by the sealer: each id a uuid, no item twice (the link table's key
    // ignores an id's case). A bad entry fails its writer's request instead of stalling its account's sealing.
    const [row] = await this.query<{ pos: string }>(
      `INSERT INTO audit_pending (account_id, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email,
         target_type, target_id, target_label, links, changes, request_id, ip, user_agent, source, search_text)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18
        WHERE (SELECT count(DISTINCT (l.type, l.id::uuid)) FROM jsonb_to_recordset($12::jsonb) AS l(type text, id text)) = jsonb_array_length($12::jsonb)
       RETURNING pos`,
      [
        entry.accountId,
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
        searchText,
      ],
    );
    if (!row) throw new Error(`Audit entry ${entry.id}: an item is linked twice`);
    return row.pos;
  }

  // ---- sealing (audit/audit-sealer.ts; as the owner, one transaction per batch) ----

  /**
   * The account's head, row-locked until the sealing transaction ends: one sealer per account at a time.
   * `wait: false` skips an account another sealer holds (null, as for an account without a head).
   */
  async lockHead(accountId: string, wait: boolean): Promise<LockedHead | null> {
    const [row] = await this.query<LockedHead>(
      `SELECT last_seq, last_hash, last_occurred_at, time_ordered FROM audit_heads WHERE account_id = $1 FOR UPDATE${wait ? '' : ' SKIP LOCKED'}`,
      [accountId],
    );
    return row ?? null;
  }

  /** The account's committed pending entries, oldest recorded first, at most `limit` (after lockHead, same transaction). */
  pendingBatch(accountId: string, limit: number): Promise<PendingChainRow[]> {
    return this.query<PendingChainRow>(
      `SELECT ${PENDING_CHAIN_COLUMNS} FROM audit_pending e WHERE e.account_id = $1 ORDER BY e.pos LIMIT ${limit | 0}`,
      [accountId],
    );
  }

  /**
   * Seals a batch in one statement: each pending entry leaves audit_pending and enters audit_entries
   * with its seq, time, prev_hash and hash (and its item links), and the head moves to the last one.
   * Returns how many entries moved; the caller rolls back unless that is the whole batch.
   */
  async sealBatch(accountId: string, seals: Seal[], head: { seq: number; hash: string; occurredAt: string; timeOrdered: boolean }): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      `WITH s AS (
         SELECT * FROM json_to_recordset($2::json) AS s(pos bigint, seq bigint, occurred_at timestamptz, prev_hash text, hash text)
       ), d AS (
         DELETE FROM audit_pending p USING s WHERE p.account_id = $1 AND p.pos = s.pos
         RETURNING p.account_id, s.seq, p.id, s.occurred_at, p.action, p.actor_type, p.actor_id, p.actor_name, p.actor_email,
           p.target_type, p.target_id, p.target_label, p.links, p.changes, p.request_id, p.ip, p.user_agent, p.source,
           p.search_text, s.prev_hash, s.hash
       ), e AS (
         INSERT INTO audit_entries (account_id, seq, id, occurred_at, action, actor_type, actor_id, actor_name, actor_email,
           target_type, target_id, target_label, links, changes, request_id, ip, user_agent, source, search_text, prev_hash, hash, sealed_at)
         SELECT d.*, clock_timestamp() FROM d
         RETURNING account_id, seq, links, target_type, target_id
       ), l AS (
         INSERT INTO audit_entry_links (account_id, item_type, item_id, seq, is_target)
         SELECT e.account_id, x.type, x.id::uuid, e.seq, (x.type = e.target_type AND x.id::uuid = e.target_id)
           FROM e, jsonb_to_recordset(e.links) AS x(type text, id text)
       ), h AS (
         UPDATE audit_heads SET last_seq = $3, last_hash = $4, last_occurred_at = GREATEST(last_occurred_at, $5::timestamptz), time_ordered = $6
          WHERE account_id = $1 RETURNING 1
       )
       SELECT (SELECT count(*) FROM e) AS n`,
      [accountId, JSON.stringify(seals), head.seq, head.hash, head.occurredAt, head.timeOrdered],
    );
    return Number(row?.n ?? 0);
  }

  /** Accounts with entries waiting to be sealed (the sealer's sweep), those waiting longest first, but not `skip`. */
  async pendingAccounts(limit: number, skip: string[] = []): Promise<string[]> {
    const rows = await this.query<{ account_id: string }>(
      'SELECT account_id FROM audit_pending WHERE account_id <> ALL($2::uuid[]) GROUP BY account_id ORDER BY min(pos) LIMIT $1',
      [limit, skip],
    );
    return rows.map((r) => r.account_id);
  }

  /** Entries still sealing (of one account, or of all), and when the oldest of them was recorded (the database's clock). */
  async pendingStats(accountId?: string): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await this.query<{ n: string; oldest: Date | null }>(
      accountId
        ? 'SELECT count(*) AS n, min(recorded_at) AS oldest FROM audit_pending WHERE account_id = $1'
        : 'SELECT count(*) AS n, min(recorded_at) AS oldest FROM audit_pending',
      accountId ? [accountId] : [],
    );
    return { count: Number(row?.n ?? 0), oldest: row?.oldest ?? null };
  }

  /** GET /audit-log's statement: entries matching `filter`, newest first, below `beforeSeq` (the cursor), limit + 1 rows. */
  listStatement(accountId: string, filter: ResolvedAuditFilter, limit: number, beforeSeq?: number): Statement {
    const { where, params } = entryConditions(accountId, filter);
    if (beforeSeq !== undefined) {
      params.push(beforeSeq);
      where.push(`e.seq < $${params.length}`);
    }
    params.push(limit + 1);
    return { sql: `SELECT ${AUDIT_ENTRY_COLUMNS} FROM audit_entries e WHERE ${where.join(' AND ')} ORDER BY e.seq DESC LIMIT $${params.length}`, params };
  }

  /** A page of the log (limit + 1 rows, so the caller knows whether there is a next page). */
  list(accountId: string, filter: ResolvedAuditFilter, limit: number, beforeSeq?: number): Promise<ListedEntryRow[]> {
    const s = this.listStatement(accountId, filter, limit, beforeSeq);
    if (beforeSeq !== undefined) return this.query<ListedEntryRow>(s.sql, s.params);
    const pending = entryConditions(accountId, filter, true, s.params);
    return this.withSealing(s, pending.where, limit);
  }

  /**
   * A first page (no cursor): the entries still sealing that match (newest first, at most `limit`),
   * then the sealed page `sealed`, in one statement; the caller takes the first `limit`. A later page
   * goes on below the last sealed seq it showed, which entries sealed meanwhile (higher seqs) never reach.
   */
  private withSealing(sealed: Statement, pendingWhere: string[], limit: number): Promise<ListedEntryRow[]> {
    const params = sealed.params;
    params.push(limit);
    return this.query<ListedEntryRow>(
      `SELECT * FROM (SELECT ${PENDING_ENTRY_COLUMNS}, e.pos FROM audit_pending e WHERE ${pendingWhere.join(' AND ')} ORDER BY e.pos DESC LIMIT $${params.length}) p
       UNION ALL
       SELECT *, NULL::bigint AS pos FROM (${sealed.sql}) s
       ORDER BY pos DESC NULLS LAST, seq DESC`,
      params,
    );
  }

  /** One item's history statement: entries linked to it (only those about it when `related` is false), newest first, limit + 1 rows. */
  historyStatement(accountId: string, type: ItemType, id: string, o: { related: boolean; limit: number; beforeSeq?: number }): Statement {
    const params: unknown[] = [accountId, type, id];
    const where = ['l.account_id = $1', 'l.item_type = $2', 'l.item_id = $3'];
    if (!o.related) where.push('l.is_target');
    if (o.beforeSeq !== undefined) {
      params.push(o.beforeSeq);
      where.push(`l.seq < $${params.length}`);
    }
    params.push(o.limit + 1);
    return {
      sql: `SELECT ${AUDIT_ENTRY_COLUMNS}
         FROM audit_entry_links l
         JOIN audit_entries e ON e.account_id = l.account_id AND e.seq = l.seq
        WHERE ${where.join(' AND ')}
        ORDER BY l.seq DESC
        LIMIT $${params.length}`,
      params,
    };
  }

  history(accountId: string, type: ItemType, id: string, o: { related: boolean; limit: number; beforeSeq?: number }): Promise<ListedEntryRow[]> {
    const s = this.historyStatement(accountId, type, id, o);
    if (o.beforeSeq !== undefined) return this.query<ListedEntryRow>(s.sql, s.params);
    const pending = entryConditions(accountId, { itemType: type, itemId: id, targetOnly: !o.related }, true, s.params);
    return this.withSealing(s, pending.where, o.limit);
  }

  async entry(accountId: string, id: string): Promise<ListedEntryRow | null> {
    const [row] = await this.query<ListedEntryRow>(
      `SELECT ${AUDIT_ENTRY_COLUMNS} FROM audit_entries e WHERE e.account_id = $1 AND e.id = $2
       UNION ALL
       SELECT ${PENDING_ENTRY_COLUMNS} FROM audit_pending e WHERE e.account_id = $1 AND e.id = $2
       LIMIT 1`,
      [accountId, id],
    );
    return row ?? null;
  }

  /**
   * Entries of one account after `afterSeq` (through `toSeq` when given) matching `filter`, in seq order:
   * what a log stream delivers next. Each as JSON text made by PostgreSQL (AUDIT_ENTRY_JSON, the value
   * GET /audit-log returns), with the few fields a batch and its senders read beside it.
   */
  async entriesJsonAfter(accountId: string, filter: ResolvedAuditFilter, afterSeq: number, limit: number, toSeq?: number): Promise<EntryJson[]> {
    const { where, params } = streamConditions(accountId, filter, afterSeq, toSeq);
    const rows = await this.query<{
      seq: string;
      prev_hash: string;
      json: string;
      occurred_at: Date;
      action: string;
      actor_name: string | null;
      target_type: string | null;
      target_label: string | null;
    }>(
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
    const { where, params } = streamConditions(accountId, filter, afterSeq, toSeq);
    params.push(maxBytes);
    const [r] = await this.query<{ n: number; read: number; last_seq: string | null; prev_hash: string | null; json: string | null }>(
      `SELECT count(*) FILTER (WHERE b.kept)::int AS n, count(*)::int AS read, max(b.seq) FILTER (WHERE b.kept) AS last_seq,
              min(b.prev_hash) FILTER (WHERE b.nth = 1) AS prev_hash, string_agg(b.j, ',' ORDER BY b.seq) FILTER (WHERE b.kept) AS json
         FROM (SELECT r.seq, r.prev_hash, r.j, row_number() OVER w AS nth,
                      row_number() OVER w = 1 OR sum(octet_length(r.j) + 1) OVER w <= $${params.length} AS kept
                 FROM (SELECT e.seq, e.prev_hash, ${AUDIT_ENTRY_JSON} AS j FROM audit_entries e
                        WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT ${limit | 0}) r
               WINDOW w AS (ORDER BY r.seq)) b`,
      params,
    );
    if (!r || r.n === 0 || r.json === null || r.last_seq === null || r.prev_hash === null) return null;
    return { count: r.n, read: r.read, lastSeq: Number(r.last_seq), firstPrevHash: r.prev_hash, joined: Buffer.from(r.json, 'utf8') };
  }

  // ---- exports ----

  /** The highest seq stored for the account (0 when none): an entry forged beyond the head is still exported. */
  async maxSeq(accountId: string): Promise<number> {
    const [row] = await this.query<{ seq: string }>('SELECT COALESCE(max(seq), 0) AS seq FROM audit_entries WHERE account_id = $1', [accountId]);
    return Number(row?.seq ?? 0);
  }

  /**
   * An export's statements: the entries matching `filter` up to seq `bound`, oldest first. `cells` is the
   * select list (the entry columns by default; the CSV export's cells over `e`). `planned` and `count`
   * size it; `rows` is the SELECT to COPY (COPY takes no parameters: the caller inlines them).
   */
  exportStatements(accountId: string, filter: ResolvedAuditFilter, bound: number, cells = AUDIT_ENTRY_COLUMNS): {
    planned: Statement;
    count: Statement;
    rows: Statement;
    /** No rows: the result's fields (names and types) of `rows` with the entry columns. */
    fields: Statement;
  } {
    const { where, params } = entryConditions(accountId, filter);
    params.push(bound);
    where.push(`e.seq <= $${params.length}`);
    const from = `FROM audit_entries e WHERE ${where.join(' AND ')}`;
    return {
      planned: { sql: `EXPLAIN (FORMAT JSON) SELECT 1 ${from}`, params },
      count: { sql: `SELECT count(*) AS n ${from}`, params },
      rows: { sql: `SELECT ${cells} ${from} ORDER BY e.seq ASC`, params },
      fields: { sql: `SELECT ${AUDIT_ENTRY_COLUMNS} FROM audit_entries e LIMIT 0`, params: [] },
    };
  }
}
