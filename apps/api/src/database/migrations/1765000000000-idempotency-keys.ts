import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Idempotency keys of the Management API: one row per (account, credential, key) holding the
 * fingerprint of the first request and its answer, kept 24 h. The row is inserted in the same
 * transaction as the action it guards, first thing, so a concurrent duplicate waits on the primary
 * key until the first commits (then replays it) or rolls back (then acts itself). A tenant table:
 * row-level security like the others (see 1764500000000-row-level-security).
 */
export class IdempotencyKeys1765000000000 implements MigrationInterface {
  name = 'IdempotencyKeys1765000000000';

  static readonly GRANTS: Record<string, string> = {
    idempotency_keys: 'SELECT, INSERT, UPDATE, DELETE',
  };

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        credential text NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash text NOT NULL,
        status_code integer,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, credential, key)
      )`);
    await q.query(
      `COMMENT ON TABLE idempotency_keys IS 'Idempotency-Key of Management API POSTs: the first answer, replayed for 24 h'`,
    );
    await q.query(
      `COMMENT ON COLUMN idempotency_keys.credential IS 'who sent it: api_key:<id> or platform_user:<id>'`,
    );
    await q.query(
      `COMMENT ON COLUMN idempotency_keys.request_hash IS 'SHA-256 of method, path and canonical JSON body of the first request'`,
    );
    await q.query(
      `CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (account_id, created_at)`,
    );
    const current = `NULLIF(current_setting('app.account_id', true), '')::uuid`;
    for (const [table, privileges] of Object.entries(IdempotencyKeys1765000000000.GRANTS)) {
      await q.query(`GRANT ${privileges} ON ${table} TO keyledger_tenant`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY tenant_isolation ON ${table} TO keyledger_tenant USING (account_id = ${current}) WITH CHECK (account_id = ${current})`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
