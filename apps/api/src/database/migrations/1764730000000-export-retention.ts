import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Export files are deleted after EXPORT_RETENTION; the export's row stays as its record, with the
 * status `expired` and the time the file went (`expired_at`). An index finds the files due.
 */
export class ExportRetention1764730000000 implements MigrationInterface {
  name = 'ExportRetention1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_exports DROP CONSTRAINT audit_exports_status_check`);
    await q.query(
      `ALTER TABLE audit_exports ADD CONSTRAINT audit_exports_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'expired'))`,
    );
    await q.query(`ALTER TABLE audit_exports ADD COLUMN expired_at timestamptz`);
    await q.query(`COMMENT ON COLUMN audit_exports.expired_at IS 'when the worker deleted the file after EXPORT_RETENTION (status expired)'`);
    await q.query(`CREATE INDEX audit_exports_completed_idx ON audit_exports (finished_at) WHERE status = 'completed'`);
    await q.query(`CREATE INDEX audit_exports_active_idx ON audit_exports (account_id) WHERE status IN ('queued', 'running')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_exports_active_idx`);
    await q.query(`DROP INDEX audit_exports_completed_idx`);
    await q.query(`UPDATE audit_exports SET status = 'failed', error = 'file deleted after the retention period' WHERE status = 'expired'`);
    await q.query(`ALTER TABLE audit_exports DROP COLUMN expired_at`);
    await q.query(`ALTER TABLE audit_exports DROP CONSTRAINT audit_exports_status_check`);
    await q.query(`ALTER TABLE audit_exports ADD CONSTRAINT audit_exports_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed'))`);
  }
}
