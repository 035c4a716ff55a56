import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Audit-log exports: one row per requested export. The row is the export's record (status,
 * progress, manifest, file); the BullMQ job that builds it is transient and leaves Redis after a while.
 */
export class AuditExports1764200000000 implements MigrationInterface {
  name = 'AuditExports1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_exports (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        requested_by_type text NOT NULL,
        requested_by_id text,
        requested_by_name text NOT NULL,
        requested_by_email text,
        format text NOT NULL CHECK (format IN ('csv', 'ndjson')),
        filter jsonb NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'completed', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        snapshot_seq bigint,
        rows_written bigint NOT NULL DEFAULT 0,
        rows_total_estimate bigint,
        first_seq bigint,
        last_seq bigint,
        size_bytes bigint,
        sha256 text,
        storage_key text,
        error text,
        emailed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON COLUMN audit_exports.snapshot_seq IS 'the account''s last seq when the job first started: a retried job exports exactly the same entries'`);
    await q.query(`COMMENT ON COLUMN audit_exports.emailed_at IS 'set once, by the worker that sends the one email of the export'`);
    await q.query(`CREATE INDEX audit_exports_account_idx ON audit_exports (account_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_exports`);
  }
}
