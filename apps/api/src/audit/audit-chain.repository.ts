import { type HashedEntry } from '@keyledger/verify';
import { type AuditEntryRow } from './audit-entry.mapper';

/**
 * The chain half of the audit store (AuditStore, audit.store.ts, extends it): the SQL for reading the
 * hash chain and for the integrity bookkeeping beside it (audit_checkpoints, audit_integrity_status,
 * audit_integrity_runs). Callers use AuditStore; this file is its second half, kept apart for size.
 * The full verification's worker threads (chain-range.thread.ts, verify-chain.ts) construct this half
 * directly: it imports no runtime module, where AuditStore loads the contract (zod) into every thread.
 *
 * It runs on whatever executes SQL — a TypeORM EntityManager / QueryRunner, a pg Client in a worker
 * thread — given as a `Query` function, so that a caller decides the transaction (verification reads
 * run in one REPEATABLE READ snapshot).
 *
 * Only sealed entries are read: `seq IS NOT NULL` (an entry is sealed — given its seq, prev_hash and
 * hash — in commit order, possibly a moment after its transaction committed). An entry not yet sealed
 * is not yet verified; it is never a break.
 */
export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface CheckpointRow {
  account_id: string;
  seq: string;
  hash: string;
  at: Date;
  key_id: string;
  signature: string;
}

export const toCheckpointDto = (r: CheckpointRow) => ({
  accountId: r.account_id,
  seq: Number(r.seq),
  hash: r.hash,
  at: r.at instanceof Date ? r.at.toISOString() : new Date(r.at).toISOString(),
  keyId: r.key_id,
  signature: r.signature,
});
export type CheckpointDtoRow = ReturnType<typeof toCheckpointDto>;

/**
 * Only what the hash covers, with the time formatted by PostgreSQL exactly as toISOString() would
 * (ISO-8601 UTC, milliseconds): parsing a timestamptz into a Date and back costs more than the hash.
 */
const CHAIN_COLUMNS =
  `e.seq, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, e.action, ` +
  'e.actor_type, e.actor_id, e.actor_name, e.actor_email, e.target_type, e.target_id, e.target_label, e.links, e.changes, ' +
  'e.request_id, e.ip, e.user_agent, e.source, e.hash, e.prev_hash';

export type ChainRow = Omit<AuditEntryRow, 'id' | 'occurred_at' | 'account_id'> & {
  occurred_at: string;
};

export const toChainedEntry = (accountId: string, r: ChainRow): HashedEntry => ({
  accountId,
  seq: Number(r.seq),
  occurredAt: r.occurred_at,
  action: r.action,
  actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name, email: r.actor_email },
  target: { type: r.target_type, id: r.target_id, label: r.target_label },
  links: r.links,
  changes: r.changes,
  context: { requestId: r.request_id, ip: r.ip, userAgent: r.user_agent, source: r.source },
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface ChainHead {
  seq: number;
  hash: string | null;
}

export interface IntegrityStatusRow {
  account_id: string;
  verified_through_seq: string;
  verified_through_hash: string;
  verified_at: Date | null;
  checkpoint_seq: string | null;
  checkpoint_valid: boolean | null;
  last_run_entries: string;
  first_broken_seq: string | null;
  broken_reason: string | null;
  broken_at: Date | null;
  broken_by: 'incremental' | 'full' | null;
}

export interface IntegrityRunRow {
  id: string;
  account_id: string;
  kind: 'full' | 'incremental';
  trigger: 'manual' | 'schedule' | 'incremental';
  requested_by_type: 'platform_user' | 'api_key' | 'system';
  requested_by_id: string | null;
  requested_by_name: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  head_seq: string | null;
  entries_checked: string;
  threads: number | null;
  ok: boolean | null;
  first_broken_seq: string | null;
  reason: string | null;
  checkpoint_seq: string | null;
  error: string | null;
}

const RUN_COLUMNS =
  'id, account_id, kind, trigger, requested_by_type, requested_by_id, requested_by_name, status, requested_at, started_at, finished_at, ' +
  'head_seq, entries_checked, threads, ok, first_broken_seq, reason, checkpoint_seq, error';

export interface NewRun {
  id: string;
  accountId: string;
  kind: 'full' | 'incremental';
  trigger: 'manual' | 'schedule' | 'incremental';
  requestedBy: { type: 'platform_user' | 'api_key' | 'system'; id: string | null; name: string };
  status?: IntegrityRunRow['status'];
}

export class AuditChainRepository {
  constructor(protected readonly query: Query) {}

  /** Sealed entries of one account with seq > afterSeq (and ≤ toSeq when given), in seq order. */
  chainBatch(
    accountId: string,
    afterSeq: number,
    limit: number,
    toSeq?: number,
  ): Promise<ChainRow[]> {
    return toSeq === undefined
      ? this.query<ChainRow>(
          `SELECT ${CHAIN_COLUMNS} FROM audit_entries e WHERE e.account_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT ${limit | 0}`,
          [accountId, afterSeq],
        )
      : this.query<ChainRow>(
          `SELECT ${CHAIN_COLUMNS} FROM audit_entries e WHERE e.account_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq LIMIT ${limit | 0}`,
          [accountId, afterSeq, toSeq],
        );
  }

  /** The first entry at or after an instant (null when none). */
  async firstSeqAtOrAfter(accountId: string, at: Date): Promise<number | null> {
    const [row] = await this.query<{ seq: string }>(
      'SELECT seq FROM audit_entries WHERE account_id = $1 AND occurred_at >= $2 ORDER BY occurred_at, seq LIMIT 1',
      [accountId, at.toISOString()],
    );
    return row ? Number(row.seq) : null;
  }

  /** When one entry was written (null when there is no such entry). */
  async occurredAt(accountId: string, seq: number): Promise<Date | null> {
    const [row] = await this.query<{ occurred_at: Date }>(
      'SELECT occurred_at FROM audit_entries WHERE account_id = $1 AND seq = $2',
      [accountId, seq],
    );
    return row?.occurred_at ?? null;
  }

  /** The hash stored on one sealed entry (null when there is no such entry). */
  async hashAt(accountId: string, seq: number): Promise<string | null> {
    const [row] = await this.query<{ hash: string }>(
      'SELECT hash FROM audit_entries WHERE account_id = $1 AND seq = $2',
      [accountId, seq],
    );
    return row?.hash ?? null;
  }

  /** The account's recorded chain head: the last sealed entry's seq and hash (seq 0 when none). */
  async head(accountId: string): Promise<ChainHead | null> {
    const [row] = await this.query<{ last_seq: string; last_hash: string | null }>(
      'SELECT last_seq, last_hash FROM audit_heads WHERE account_id = $1',
      [accountId],
    );
    return row ? { seq: Number(row.last_seq), hash: row.last_hash } : null;
  }

  /** Accounts whose sealed head is beyond what the incremental verifier has verified (and not known broken). */
  async accountsBehind(limit: number): Promise<string[]> {
    const rows = await this.query<{ account_id: string }>(
      `SELECT h.account_id FROM audit_heads h
         LEFT JOIN audit_integrity_status s ON s.account_id = h.account_id
        WHERE s.first_broken_seq IS NULL AND h.last_seq > COALESCE(s.verified_through_seq, 0)
        ORDER BY h.last_seq - COALESCE(s.verified_through_seq, 0) DESC
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.account_id);
  }

  /** Every account with a chain (for the scheduled full verification). */
  async accountsWithEntries(): Promise<string[]> {
    const rows = await this.query<{ account_id: string }>(
      'SELECT account_id FROM audit_heads WHERE last_seq > 0 ORDER BY account_id',
    );
    return rows.map((r) => r.account_id);
  }

  async latestCheckpoint(accountId: string, atOrBelowSeq?: number): Promise<CheckpointRow | null> {
    const [row] = await this.query<CheckpointRow>(
      `SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints WHERE account_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`,
      [accountId, atOrBelowSeq ?? Number.MAX_SAFE_INTEGER],
    );
    return row ?? null;
  }

  async checkpointAt(accountId: string, seq: number): Promise<CheckpointRow | null> {
    const [row] = await this.query<CheckpointRow>(
      'SELECT account_id, seq, hash, at, key_id, signature FROM audit_checkpoints WHERE account_id = $1 AND seq = $2',
      [accountId, seq],
    );
    return row ?? null;
  }

  // ---- audit_integrity_status ----

  /**
   * Everything GET /audit-log/integrity shows, in one statement (one round trip): the stored status,
   * the head, the latest full run and the checkpoint the status was checked against.
   */
  async statusView(
    accountId: string,
  ): Promise<{
    status: IntegrityStatusRow | null;
    head: ChainHead | null;
    latestFull: IntegrityRunRow | null;
    checkpoint: CheckpointRow | null;
    sealing: { entries: number; oldest: Date | null };
  }> {
    const [row] = await this.query<{
      sealing: { n: number; oldest: string | null };
      status: IntegrityStatusRow | null;
      last_seq: string | null;
      last_hash: string | null;
      latest_run: Record<string, unknown> | null;
      checkpoint: CheckpointRow | null;
    }>(
      `SELECT (SELECT to_jsonb(s) FROM audit_integrity_status s WHERE s.account_id = a.id) AS status,
              h.last_seq, h.last_hash,
              (SELECT to_jsonb(r) FROM (SELECT ${RUN_COLUMNS} FROM audit_integrity_runs WHERE account_id = a.id AND kind = 'full' ORDER BY requested_at DESC, id DESC LIMIT 1) r) AS latest_run,
              (SELECT to_jsonb(c) FROM audit_checkpoints c JOIN audit_integrity_status s ON s.account_id = c.account_id AND c.seq = s.checkpoint_seq
                WHERE c.account_id = a.id) AS checkpoint,
              (SELECT json_build_object('n', count(*), 'oldest', min(p.recorded_at)) FROM audit_pending p WHERE p.account_id = a.id) AS sealing
         FROM (SELECT $1::uuid AS id) a LEFT JOIN audit_heads h ON h.account_id = a.id`,
      [accountId],
    );
    const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
    const status = row?.status
      ? {
          ...row.status,
          verified_at: date(row.status.verified_at),
          broken_at: date(row.status.broken_at),
        }
      : null;
    const r = row?.latest_run;
    const latestFull = r
      ? ({
          ...r,
          requested_at: date(r.requested_at)!,
          started_at: date(r.started_at),
          finished_at: date(r.finished_at),
        } as unknown as IntegrityRunRow)
      : null;
    return {
      status,
      head:
        row?.last_seq === null || row?.last_seq === undefined
          ? null
          : { seq: Number(row.last_seq), hash: row.last_hash },
      latestFull,
      checkpoint: row?.checkpoint ?? null,
      sealing: { entries: Number(row?.sealing?.n ?? 0), oldest: date(row?.sealing?.oldest) },
    };
  }

  async status(accountId: string): Promise<IntegrityStatusRow | null> {
    const [row] = await this.query<IntegrityStatusRow>(
      'SELECT * FROM audit_integrity_status WHERE account_id = $1',
      [accountId],
    );
    return row ?? null;
  }

  /** The incremental verifier advanced (or a full run found the chain whole): no break. */
  async saveVerified(
    accountId: string,
    s: { seq: number; hash: string; checkpointSeq: number | null; entries: number },
  ): Promise<void> {
    await this.query(
      `INSERT INTO audit_integrity_status (account_id, verified_through_seq, verified_through_hash, verified_at, checkpoint_seq, checkpoint_valid, last_run_entries)
       VALUES ($1, $2, $3, now(), $4, $5, $6)
       ON CONFLICT (account_id) DO UPDATE SET verified_through_seq = $2, verified_through_hash = $3, verified_at = now(),
         checkpoint_seq = COALESCE($4, audit_integrity_status.checkpoint_seq),
         checkpoint_valid = CASE WHEN $4::bigint IS NULL THEN audit_integrity_status.checkpoint_valid ELSE $5 END,
         last_run_entries = $6, first_broken_seq = NULL, broken_reason = NULL, broken_at = NULL, broken_by = NULL`,
      [
        accountId,
        s.seq,
        s.hash,
        s.checkpointSeq,
        s.checkpointSeq === null ? null : true,
        s.entries,
      ],
    );
  }

  /**
   * A break: recorded with what was verified before it. Returns true when this is news (no break was
   * recorded, or one at a later seq), so the caller raises it once, not on every run.
   */
  async saveBroken(
    accountId: string,
    b: {
      verifiedSeq: number;
      verifiedHash: string;
      firstBrokenSeq: number;
      reason: string;
      by: 'incremental' | 'full';
      checkpointSeq: number | null;
      checkpointValid: boolean | null;
      entries: number;
    },
  ): Promise<boolean> {
    const params = [
      accountId,
      b.verifiedSeq,
      b.verifiedHash,
      b.firstBrokenSeq,
      b.reason,
      b.by,
      b.checkpointSeq,
      b.checkpointValid,
      b.entries,
    ];
    // The old break comes from the FROM subquery (the row before this statement), under its row lock.
    // A top-level SELECT over the UPDATE (not UPDATE … RETURNING): every executor answers it with plain rows.
    const updated = await this.query<{ old: string | null }>(
      `WITH u AS (
         UPDATE audit_integrity_status s SET verified_through_seq = $2, verified_through_hash = $3, verified_at = now(),
           checkpoint_seq = COALESCE($7, s.checkpoint_seq), checkpoint_valid = CASE WHEN $7::bigint IS NULL THEN s.checkpoint_valid ELSE $8 END,
           last_run_entries = $9, first_broken_seq = $4, broken_reason = $5,
           broken_at = CASE WHEN o.old IS DISTINCT FROM $4 THEN now() ELSE s.broken_at END, broken_by = $6
         FROM (SELECT first_broken_seq AS old FROM audit_integrity_status WHERE account_id = $1 FOR UPDATE) o
         WHERE s.account_id = $1
         RETURNING o.old)
       SELECT old FROM u`,
      params,
    );
    if (updated.length)
      return updated[0]!.old === null || Number(updated[0]!.old) > b.firstBrokenSeq;
    const inserted = await this.query(
      `WITH i AS (
         INSERT INTO audit_integrity_status (account_id, verified_through_seq, verified_through_hash, verified_at, checkpoint_seq, checkpoint_valid,
             last_run_entries, first_broken_seq, broken_reason, broken_at, broken_by)
         VALUES ($1, $2, $3, now(), $7, $8, $9, $4, $5, now(), $6)
         ON CONFLICT (account_id) DO NOTHING RETURNING account_id)
       SELECT account_id FROM i`,
      params,
    );
    return inserted.length ? true : this.saveBroken(accountId, b);
  }

  // ---- audit_integrity_runs ----

  async insertRun(r: NewRun): Promise<void> {
    await this.query(
      `INSERT INTO audit_integrity_runs (id, account_id, kind, trigger, requested_by_type, requested_by_id, requested_by_name, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        r.id,
        r.accountId,
        r.kind,
        r.trigger,
        r.requestedBy.type,
        r.requestedBy.id,
        r.requestedBy.name,
        r.status ?? 'queued',
      ],
    );
  }

  /** The account's queued or running full verification, if any. */
  async activeFullRun(accountId: string): Promise<IntegrityRunRow | null> {
    const [row] = await this.query<IntegrityRunRow>(
      `SELECT ${RUN_COLUMNS} FROM audit_integrity_runs WHERE account_id = $1 AND kind = 'full' AND status IN ('queued', 'running')`,
      [accountId],
    );
    return row ?? null;
  }

  async latestFullRun(accountId: string): Promise<IntegrityRunRow | null> {
    const [row] = await this.query<IntegrityRunRow>(
      `SELECT ${RUN_COLUMNS} FROM audit_integrity_runs WHERE account_id = $1 AND kind = 'full' ORDER BY requested_at DESC, id DESC LIMIT 1`,
      [accountId],
    );
    return row ?? null;
  }

  async run(accountId: string, id: string): Promise<IntegrityRunRow | null> {
    const [row] = await this.query<IntegrityRunRow>(
      `SELECT ${RUN_COLUMNS} FROM audit_integrity_runs WHERE account_id = $1 AND id = $2`,
      [accountId, id],
    );
    return row ?? null;
  }

  /** Any account's run, for the worker (which runs as the owner). */
  async runById(id: string): Promise<IntegrityRunRow | null> {
    const [row] = await this.query<IntegrityRunRow>(
      `SELECT ${RUN_COLUMNS} FROM audit_integrity_runs WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  listFullRuns(
    accountId: string,
    limit: number,
    before?: { t: string; id: string },
  ): Promise<IntegrityRunRow[]> {
    return this.query<IntegrityRunRow>(
      `SELECT ${RUN_COLUMNS} FROM audit_integrity_runs
        WHERE account_id = $1 AND kind = 'full' AND (requested_at, id) < ($2::timestamptz, $3::uuid)
        ORDER BY requested_at DESC, id DESC LIMIT $4`,
      [
        accountId,
        before?.t ?? 'infinity',
        before?.id ?? 'ffffffff-ffff-ffff-ffff-ffffffffffff',
        limit,
      ],
    );
  }

  async startRun(id: string, headSeq: number, threads: number): Promise<void> {
    await this.query(
      `UPDATE audit_integrity_runs SET status = 'running', started_at = now(), head_seq = $2, threads = $3, entries_checked = 0 WHERE id = $1`,
      [id, headSeq, threads],
    );
  }

  async runProgress(id: string, entriesChecked: number): Promise<void> {
    await this.query(
      `UPDATE audit_integrity_runs SET entries_checked = $2 WHERE id = $1 AND status = 'running'`,
      [id, entriesChecked],
    );
  }

  async finishRun(
    id: string,
    r: {
      ok: boolean;
      entriesChecked: number;
      firstBrokenSeq: number | null;
      reason: string | null;
      checkpointSeq: number | null;
    },
  ): Promise<void> {
    await this.query(
      `UPDATE audit_integrity_runs SET status = 'completed', finished_at = now(), ok = $2, entries_checked = $3, first_broken_seq = $4, reason = $5, checkpoint_seq = $6
        WHERE id = $1`,
      [id, r.ok, r.entriesChecked, r.firstBrokenSeq, r.reason, r.checkpointSeq],
    );
  }

  async failRun(id: string, error: string): Promise<void> {
    await this.query(
      `UPDATE audit_integrity_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`,
      [id, error.slice(0, 1000)],
    );
  }
}
