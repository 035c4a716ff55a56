import { type MigrationInterface, type QueryRunner } from 'typeorm';

const ROLE = 'keyledger_tenant';
const CURRENT = `NULLIF(current_setting('app.account_id', true), '')::uuid`;

/**
 * The chain off the hot path (issue 13). A writer no longer takes its account's `audit_heads` row: it
 * inserts its entry into `audit_pending` (no seq, no hash) in the transaction of the change it
 * describes, and commits. The sealer (audit/audit-sealer.ts, in every API and worker process) moves
 * committed pending entries into `audit_entries`, giving each its seq, prev_hash and hash, in one
 * transaction per batch under the head's row lock (one sealer per account at a time): the delete from
 * `audit_pending` and the insert into `audit_entries` commit together or not at all.
 *
 * `audit_pending` has the columns of `audit_entries` less the three sealing ones, and its CHECKs (so a
 * writer, not the sealer, fails on a bad action): `LIKE … INCLUDING CONSTRAINTS`. A migration that adds an
 * action must rewrite the CHECK on both tables. `pos` is the order entries were recorded in (identity).
 *
 * The tenant role may INSERT and SELECT (its own account's rows, RLS); it may not UPDATE or DELETE
 * (no grant), and nobody may UPDATE (trigger): a pending entry is never changed, only sealed — deleted
 * by the sealer, which runs as the owner, in the transaction that inserts it, sealed, into
 * `audit_entries`, which stays append-only for everyone (its triggers). The tenant role loses UPDATE on
 * `audit_heads`: only the sealer advances a head now.
 */
export class AuditSealer1768000000000 implements MigrationInterface {
  name = 'AuditSealer1768000000000';

  /** The tenant role's grants after this migration, on the tables it adds or changes (as RowLevelSecurity1764500000000.GRANTS). */
  static readonly GRANTS: Record<string, string> = { audit_pending: 'SELECT, INSERT', audit_heads: 'SELECT' };

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE audit_pending (LIKE audit_entries INCLUDING DEFAULTS INCLUDING CONSTRAINTS)');
    await q.query('ALTER TABLE audit_pending DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash');
    await q.query('ALTER TABLE audit_pending ADD COLUMN pos bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY');
    // When the writer recorded it, by the database's clock (occurred_at may be given, back-dated): how long it has been sealing.
    await q.query('ALTER TABLE audit_pending ADD COLUMN recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()');
    await q.query('CREATE INDEX audit_pending_account_idx ON audit_pending (account_id, pos)');
    await q.query(
      `CREATE TRIGGER audit_pending_no_update BEFORE UPDATE ON audit_pending FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    );
    await q.query(`GRANT ${AuditSealer1768000000000.GRANTS.audit_pending} ON audit_pending TO ${ROLE}`);
    await q.query(`GRANT USAGE ON SEQUENCE audit_pending_pos_seq TO ${ROLE}`);
    await q.query('ALTER TABLE audit_pending ENABLE ROW LEVEL SECURITY');
    await q.query(
      `CREATE POLICY tenant_isolation ON audit_pending TO ${ROLE} USING (account_id = ${CURRENT}) WITH CHECK (account_id = ${CURRENT})`,
    );
    await q.query(`REVOKE UPDATE ON audit_heads FROM ${ROLE}`);
    // When the sealer sealed the entry (not covered by the hash): the seal delay, for health and the benchmark.
    await q.query('ALTER TABLE audit_entries ADD COLUMN sealed_at timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    const n = ((await q.query('SELECT count(*)::int AS n FROM audit_pending')) as Array<{ n: number }>)[0]?.n ?? 0;
    if (n > 0) throw new Error(`audit_pending still holds ${n} entries not sealed: start the API or worker until they are, then revert`);
    await q.query('ALTER TABLE audit_entries DROP COLUMN sealed_at');
    await q.query(`GRANT UPDATE ON audit_heads TO ${ROLE}`);
    await q.query('DROP TABLE audit_pending');
  }
}
