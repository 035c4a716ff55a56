import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  type AuditLogFilter,
  type LogStreamDestinationType,
  type LogStreamStartPoint,
  type LogStreamStatus,
} from '@keyledger/contract';
import { headSeqOf } from '../audit/audit.store';
import { type DestinationConfig } from './destinations';

/** A row of log_streams as pg returns it. */
export interface LogStreamRow {
  id: string;
  account_id: string;
  name: string;
  destination_type: LogStreamDestinationType;
  config: DestinationConfig;
  secrets_encrypted: string;
  secret_names: string[];
  filter: AuditLogFilter;
  start_point: LogStreamStartPoint;
  status: LogStreamStatus;
  delivered_through_seq: string;
  pending_through_seq: string | null;
  consecutive_failures: number;
  next_attempt_at: Date;
  lease_owner: string | null;
  lease_until: Date | null;
  last_success_at: Date | null;
  last_error_at: Date | null;
  last_error_status: number | null;
  last_error: string | null;
  failing_notified_at: Date | null;
  created_by_type: string;
  created_by_id: string | null;
  created_by_name: string;
  created_at: Date;
  updated_at: Date;
}

export interface LogStreamAttemptRow {
  id: string;
  at: Date;
  batch_id: string;
  first_seq: string;
  last_seq: string;
  entries: number;
  ok: boolean;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

export type NewLogStream = Pick<
  LogStreamRow,
  | 'id'
  | 'account_id'
  | 'name'
  | 'destination_type'
  | 'config'
  | 'secrets_encrypted'
  | 'secret_names'
  | 'filter'
  | 'start_point'
  | 'created_by_type'
  | 'created_by_id'
  | 'created_by_name'
> & { delivered_through_seq: number };

/** One delivery attempt, as recorded. */
export interface NewAttempt {
  id: string;
  accountId: string;
  streamId: string;
  batchId: string;
  firstSeq: number;
  lastSeq: number;
  entries: number;
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

/** An attempt's values in the column order of log_stream_attempts' inserts. */
function attemptValues(a: NewAttempt): unknown[] {
  return [
    a.id,
    a.accountId,
    a.streamId,
    a.batchId,
    a.firstSeq,
    a.lastSeq,
    a.entries,
    a.ok,
    a.statusCode,
    a.durationMs,
    a.error,
  ];
}

/** How many attempts are kept per stream. */
export const KEPT_ATTEMPTS = 50;

/**
 * Every SQL statement on log_streams and log_stream_attempts. Runs in the caller's transaction when
 * there is one (the API's, behind row-level security), else as the owner (the worker).
 */
@Injectable()
export class LogStreamsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.txHost.tx.query(sql, params) as Promise<T>;
  }

  /** An UPDATE … RETURNING: TypeORM answers [rows, rowCount] for UPDATE and DELETE. */
  private async updated<T>(sql: string, params: unknown[]): Promise<T[]> {
    const raw = await this.query<[T[], number]>(sql, params);
    return raw[0] ?? [];
  }

  async insert(s: NewLogStream): Promise<LogStreamRow> {
    const rows = await this.query<LogStreamRow[]>(
      `INSERT INTO log_streams (id, account_id, name, destination_type, config, secrets_encrypted, secret_names, filter, start_point,
         delivered_through_seq, created_by_type, created_by_id, created_by_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING *`,
      [
        s.id,
        s.account_id,
        s.name,
        s.destination_type,
        JSON.stringify(s.config),
        s.secrets_encrypted,
        s.secret_names,
        JSON.stringify(s.filter),
        s.start_point,
        s.delivered_through_seq,
        s.created_by_type,
        s.created_by_id,
        s.created_by_name,
      ],
    );
    return rows[0]!;
  }

  async find(accountId: string, id: string, forUpdate = false): Promise<LogStreamRow | null> {
    const rows = await this.query<LogStreamRow[]>(
      `SELECT * FROM log_streams WHERE account_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
      [accountId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first, keyset on (created_at, id). */
  async list(
    accountId: string,
    limit: number,
    after?: { t: string; id: string },
  ): Promise<LogStreamRow[]> {
    const params: unknown[] = [accountId, limit];
    let where = 'account_id = $1';
    if (after) {
      params.push(after.t, after.id);
      where += ' AND (created_at, id) < ($3::timestamptz, $4::uuid)';
    }
    return this.query<LogStreamRow[]>(
      `SELECT * FROM log_streams WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      params,
    );
  }

  async update(
    id: string,
    fields: Partial<
      Pick<
        LogStreamRow,
        'name' | 'config' | 'secrets_encrypted' | 'secret_names' | 'filter' | 'status'
      >
    > & {
      delivered_through_seq?: number;
    },
  ): Promise<LogStreamRow> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (fields.name !== undefined) set('name', fields.name);
    if (fields.config !== undefined) set('config', JSON.stringify(fields.config));
    if (fields.secrets_encrypted !== undefined) set('secrets_encrypted', fields.secrets_encrypted);
    if (fields.secret_names !== undefined) set('secret_names', fields.secret_names);
    if (fields.filter !== undefined) set('filter', JSON.stringify(fields.filter));
    if (fields.status !== undefined) set('status', fields.status);
    if (fields.delivered_through_seq !== undefined) {
      // Moving the cursor drops the batch in flight and lets the stream run at once.
      set('delivered_through_seq', fields.delivered_through_seq);
      sets.push(
        'pending_through_seq = NULL',
        'next_attempt_at = now()',
        'consecutive_failures = 0',
      );
    }
    if (fields.status === 'active')
      sets.push(
        'next_attempt_at = now()',
        'consecutive_failures = 0',
        'failing_notified_at = NULL',
      );
    if (fields.config !== undefined || fields.secrets_encrypted !== undefined)
      sets.push('next_attempt_at = now()');
    const rows = await this.updated<LogStreamRow>(
      `UPDATE log_streams SET ${[...new Set(sets)].join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    return rows[0]!;
  }

  async remove(id: string): Promise<void> {
    await this.query('DELETE FROM log_streams WHERE id = $1', [id]);
  }

  async attempts(streamId: string): Promise<LogStreamAttemptRow[]> {
    return this.query<LogStreamAttemptRow[]>(
      `SELECT id, at, batch_id, first_seq, last_seq, entries, ok, status_code, duration_ms, error
         FROM log_stream_attempts WHERE stream_id = $1 ORDER BY id DESC LIMIT ${KEPT_ATTEMPTS}`,
      [streamId],
    );
  }

  /* ---------- the worker's side (as the owner) ---------- */

  /**
   * Takes one stream that is due (not paused, its next attempt reached, entries beyond its cursor, no
   * live lease) for `owner` until `leaseMs` from now; SKIP LOCKED so workers never wait on each other.
   */
  async claimDue(owner: string, leaseMs: number): Promise<LogStreamRow | null> {
    const rows = await this.updated<LogStreamRow>(
      `UPDATE log_streams s SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
        WHERE s.id = (
          SELECT d.id FROM log_streams d
           WHERE d.status <> 'paused' AND d.next_attempt_at <= now() AND (d.lease_until IS NULL OR d.lease_until < now())
             AND d.delivered_through_seq < ${headSeqOf('d.account_id')}
           ORDER BY d.next_attempt_at
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING s.*`,
      [owner, leaseMs],
    );
    return rows[0] ?? null;
  }

  /** Notes the batch about to be sent (a retry resends the same range) and extends the lease; null when the lease or the cursor moved. */
  async markPending(
    id: string,
    owner: string,
    deliveredThrough: number,
    pendingThrough: number,
    leaseMs: number,
  ): Promise<LogStreamRow | null> {
    const rows = await this.updated<LogStreamRow>(
      `UPDATE log_streams SET pending_through_seq = $4, lease_until = now() + $5 * interval '1 millisecond'
        WHERE id = $1 AND lease_owner = $2 AND delivered_through_seq = $3 AND status <> 'paused' RETURNING *`,
      [id, owner, deliveredThrough, pendingThrough, leaseMs],
    );
    return rows[0] ?? null;
  }

  /**
   * The destination acknowledged through `through`: the cursor moves (only if nobody moved it meanwhile).
   * With `attempt`, the acknowledged attempt is recorded in the same statement (recorded even when the
   * cursor moved meanwhile, as recordAttempt would). With `nextPendingThrough`, the next batch (read while
   * this one was sent) is noted as pending in the same statement too, as markPending would (not on a
   * paused stream: the row returned then has no pending batch). One round trip and one commit a batch.
   */
  async acknowledged(
    id: string,
    owner: string,
    deliveredThrough: number,
    through: number,
    leaseMs: number,
    attempt?: NewAttempt,
    nextPendingThrough: number | null = null,
  ): Promise<LogStreamRow | null> {
    const params: unknown[] = [id, owner, deliveredThrough, through, leaseMs, nextPendingThrough];
    let recorded = '';
    if (attempt) {
      params.push(...attemptValues(attempt));
      recorded = `WITH added AS (
         INSERT INTO log_stream_attempts (id, account_id, stream_id, batch_id, first_seq, last_seq, entries, ok, status_code, duration_ms, error)
         VALUES ($7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id
       ), trimmed AS (
         DELETE FROM log_stream_attempts WHERE stream_id = $9 AND id < (
           SELECT id FROM log_stream_attempts WHERE stream_id = $9 ORDER BY id DESC OFFSET ${KEPT_ATTEMPTS - 2} LIMIT 1)
       ) `;
    }
    const rows = await this.updated<LogStreamRow>(
      `${recorded}UPDATE log_streams
          SET delivered_through_seq = $4,
              pending_through_seq = CASE WHEN status = 'paused' THEN NULL ELSE $6::bigint END,
              consecutive_failures = 0, last_success_at = now(),
              status = CASE WHEN status = 'failing' THEN 'active' ELSE status END, failing_notified_at = NULL,
              lease_until = now() + $5 * interval '1 millisecond'
        WHERE id = $1 AND lease_owner = $2 AND delivered_through_seq = $3 RETURNING *`,
      params,
    );
    return rows[0] ?? null;
  }

  /** A failed batch: counted, retried after `retryInMs`, the stream failing after `failingAfter` in a row; the lease is released. */
  async failed(
    id: string,
    owner: string,
    error: { statusCode: number | null; message: string },
    retryInMs: number,
    failingAfter: number,
  ): Promise<LogStreamRow | null> {
    const rows = await this.updated<LogStreamRow>(
      `UPDATE log_streams
          SET consecutive_failures = consecutive_failures + 1, next_attempt_at = now() + $3 * interval '1 millisecond',
              last_error_at = now(), last_error_status = $4, last_error = $5,
              status = CASE WHEN status = 'active' AND consecutive_failures + 1 >= $6 THEN 'failing' ELSE status END,
              lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2 RETURNING *`,
      [id, owner, retryInMs, error.statusCode, error.message, failingAfter],
    );
    return rows[0] ?? null;
  }

  /** Lets the stream go: other streams that waited longer come first next time. */
  async release(id: string, owner: string): Promise<void> {
    await this.query(
      `UPDATE log_streams SET lease_owner = NULL, lease_until = NULL, next_attempt_at = GREATEST(next_attempt_at, now())
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner],
    );
  }

  /** Claims the "stream is failing" email (true once per failing spell). */
  async claimFailingNotice(id: string): Promise<boolean> {
    const rows = await this.updated<{ id: string }>(
      `UPDATE log_streams SET failing_notified_at = now() WHERE id = $1 AND status = 'failing' AND failing_notified_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  async releaseFailingNotice(id: string): Promise<void> {
    await this.query('UPDATE log_streams SET failing_notified_at = NULL WHERE id = $1', [id]);
  }

  /** Records an attempt and keeps only the stream's last KEPT_ATTEMPTS. */
  async recordAttempt(a: NewAttempt): Promise<void> {
    await this.query(
      `WITH added AS (
         INSERT INTO log_stream_attempts (id, account_id, stream_id, batch_id, first_seq, last_seq, entries, ok, status_code, duration_ms, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id)
       DELETE FROM log_stream_attempts WHERE stream_id = $3 AND id < (
         SELECT id FROM log_stream_attempts WHERE stream_id = $3 ORDER BY id DESC OFFSET ${KEPT_ATTEMPTS - 2} LIMIT 1)`,
      attemptValues(a),
    );
  }

  /** The emails of the account's admins (the "stream is failing" notice goes to them). */
  async adminEmails(accountId: string): Promise<string[]> {
    const rows = await this.query<Array<{ email: string }>>(
      'SELECT email FROM platform_users WHERE account_id = $1 AND is_admin AND removed_at IS NULL ORDER BY created_at',
      [accountId],
    );
    return rows.map((r) => r.email);
  }
}
