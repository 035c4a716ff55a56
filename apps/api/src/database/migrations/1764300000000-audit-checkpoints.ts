import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Signed checkpoints of each account's audit chain head (append-only like the entries). */
export class AuditCheckpoints1764300000000 implements MigrationInterface {
  name = 'AuditCheckpoints1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        account_id uuid NOT NULL REFERENCES accounts(id),
        seq bigint NOT NULL,
        hash text NOT NULL,
        at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL,
        PRIMARY KEY (account_id, seq)
      )`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoints');
  }
}
