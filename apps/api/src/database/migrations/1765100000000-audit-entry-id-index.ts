import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Entry links (`/settings/audit-logs?entry=<id>`) open one entry by id: `GET /api/v1/audit-log/entries/:id`
 * looks it up within the caller's account. Without this index that is a scan of the account's entries.
 */
export class AuditEntryIdIndex1765100000000 implements MigrationInterface {
  name = 'AuditEntryIdIndex1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'CREATE INDEX IF NOT EXISTS audit_entries_id_idx ON audit_entries (account_id, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS audit_entries_id_idx');
  }
}
