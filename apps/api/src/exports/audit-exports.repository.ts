import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type AuditActor, type AuditExportFormat, type AuditExportStatus, type AuditLogFilter } from '@keyledger/contract';

/** A row of audit_exports as pg returns it (bigint columns as strings). */
export interface AuditExportRow {
  id: string;
  account_id: string;
  requested_by_type: AuditActor['type'];
  requested_by_id: string | null;
  requested_by_name: string;
  requested_by_email: string | null;
  format: AuditExportFormat;
  filter: AuditLogFilter;
  status: AuditExportStatus;
  attempts: number;
  snapshot_seq: string | null;
  rows_written: string;
  rows_total_estimate: string | null;
  first_seq: string | null;
  last_seq: string | null;
  size_bytes: string | null;
  sha256: string | null;
  storage_key: string | null;
  error: string | null;
  emailed_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  expired_at: Date | null;
}

export interface NewAuditExport {
  id: string;
  accountId: string;
  requestedBy: AuditActor;
  format: AuditExportFormat;
  filter: AuditLogFilter;
}

export interface ExportManifest {
  rows: number;
  firstSeq: number | null;
  lastSeq: number | null;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
}

/** Queries over audit_exports; every state change is a guarded UPDATE, so racing workers agree. */
@Injectable()
export class AuditExportsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private async one(sql: string, params: unknown[]): Promise<AuditExportRow | null> {
    const rows = (await this.txHost.tx.query(sql, params)) as AuditExportRow[] | [AuditExportRow[], number];
    // UPDATE … RETURNING comes back as [rows, count] from TypeORM's postgres driver.
    const list = Array.isArray(rows[0]) ? (rows[0] as AuditExportRow[]) : (rows as AuditExportRow[]);
    return list[0] ?? null;
  }

  async insert(e: NewAuditExport): Promise<void> {
    await this.txHost.tx.query(
      `INSERT INTO audit_exports (id, account_id, requested_by_type, requested_by_id, requested_by_name, requested_by_email, format, filter)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.id, e.accountId, e.requestedBy.type, e.requestedBy.id, e.requestedBy.name, e.requestedBy.email, e.format, JSON.stringify(e.filter)],
    );
  }

  /**
   * The account's exports queued or running, counted under a transaction-scoped advisory lock on the
   * account: two requests of one account counting at once take turns until the first commits, so
   * an insert made after this count can never slip past the limit. Rows untouched for a day (a job
   * lost with its Redis) no longer count, so a lost job cannot block an account for good.
   */
  async lockAndCountActive(accountId: string): Promise<number> {
    await this.txHost.tx.query(`SELECT pg_advisory_xact_lock(hashtext('audit_exports.active'), hashtext($1))`, [accountId]);
    const [row] = (await this.txHost.tx.query(
      `SELECT count(*)::int AS n FROM audit_exports
        WHERE account_id = $1 AND status IN ('queued', 'running') AND updated_at > now() - interval '1 day'`,
      [accountId],
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  /** Completed exports whose file is older than `retentionSeconds`, oldest first. */
  dueForExpiry(retentionSeconds: number, limit: number): Promise<AuditExportRow[]> {
    return this.txHost.tx.query(
      `SELECT * FROM audit_exports
        WHERE status = 'completed' AND finished_at < now() - make_interval(secs => $1)
        ORDER BY finished_at LIMIT $2`,
      [retentionSeconds, limit],
    );
  }

  /** completed → expired once its file is gone; the row, its manifest and who asked stay. */
  async markExpired(id: string): Promise<boolean> {
    return (
      (await this.one(
        `UPDATE audit_exports SET status = 'expired', storage_key = NULL, expired_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'completed' RETURNING *`,
        [id],
      )) !== null
    );
  }

  find(id: string): Promise<AuditExportRow | null> {
    return this.one('SELECT * FROM audit_exports WHERE id = $1', [id]);
  }

  findInAccount(accountId: string, id: string): Promise<AuditExportRow | null> {
    return this.one('SELECT * FROM audit_exports WHERE account_id = $1 AND id = $2', [accountId, id]);
  }

  /** Newest first, keyset on (created_at, id). */
  async listInAccount(accountId: string, limit: number, after?: { t: string; id: string }): Promise<AuditExportRow[]> {
    const params: unknown[] = [accountId];
    let where = 'account_id = $1';
    if (after) {
      params.push(after.t, after.id);
      where += ' AND (created_at, id) < ($2, $3)';
    }
    params.push(limit);
    return this.txHost.tx.query(
      `SELECT * FROM audit_exports WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** queued/running → running for a new attempt; null when the export is already completed or failed. */
  markRunning(id: string): Promise<AuditExportRow | null> {
    return this.one(
      `UPDATE audit_exports
          SET status = 'running', attempts = attempts + 1, rows_written = 0, error = NULL,
              started_at = COALESCE(started_at, now()), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING *`,
      [id],
    );
  }

  /** The snapshot bound, set by the first attempt and kept by retries. */
  async pinSnapshot(id: string, seq: number): Promise<number> {
    const row = await this.one(
      'UPDATE audit_exports SET snapshot_seq = COALESCE(snapshot_seq, $2), updated_at = now() WHERE id = $1 RETURNING *',
      [id, seq],
    );
    return Number(row?.snapshot_seq ?? seq);
  }

  async progress(id: string, rowsWritten: number, rowsTotalEstimate?: number): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE audit_exports SET rows_written = $2, rows_total_estimate = COALESCE($3, rows_total_estimate), updated_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id, rowsWritten, rowsTotalEstimate ?? null],
    );
  }

  /** running → completed with its manifest; false if another worker got there first. */
  async complete(id: string, m: ExportManifest): Promise<boolean> {
    const row = await this.one(
      `UPDATE audit_exports
          SET status = 'completed', rows_written = $2, rows_total_estimate = $2, first_seq = $3, last_seq = $4,
              size_bytes = $5, sha256 = $6, storage_key = $7, error = NULL, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'running'
      RETURNING *`,
      [id, m.rows, m.firstSeq, m.lastSeq, m.sizeBytes, m.sha256, m.storageKey],
    );
    return row !== null;
  }

  /** → failed, once; null when it had already completed or failed. */
  fail(id: string, message: string): Promise<AuditExportRow | null> {
    return this.one(
      `UPDATE audit_exports SET status = 'failed', error = $2, finished_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running')
      RETURNING *`,
      [id, message],
    );
  }

  /** An attempt failed and the job will be retried. */
  async requeue(id: string, message: string): Promise<void> {
    await this.txHost.tx.query(
      `UPDATE audit_exports SET status = 'queued', error = $2, updated_at = now() WHERE id = $1 AND status = 'running'`,
      [id, message],
    );
  }

  /** Claims the export's one email: true for exactly one caller, ever (unless released). */
  async claimEmail(id: string): Promise<boolean> {
    return (await this.one('UPDATE audit_exports SET emailed_at = now() WHERE id = $1 AND emailed_at IS NULL RETURNING *', [id])) !== null;
  }

  /** The email could not be sent: let the next attempt send it. */
  async releaseEmail(id: string): Promise<void> {
    await this.txHost.tx.query('UPDATE audit_exports SET emailed_at = NULL WHERE id = $1', [id]);
  }
}
