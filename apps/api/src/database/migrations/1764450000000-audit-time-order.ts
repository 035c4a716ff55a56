import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Date filters that scale with the page, not with the log.
 *
 * `audit_heads` learns the latest `occurred_at` written and whether the account's entries are in time
 * order (`occurred_at` never decreasing as `seq` grows). The writer keeps them up to date while it
 * holds the head row (AuditService). While an account is in time order, a date range is also a seq
 * range, found with two probes of `audit_entries_time_idx`, and each filter keeps walking its own
 * `(account_id, …, seq DESC)` index newest first — instead of reading every newer entry of the action
 * to reach a range two years back (62 ms at 180,000 entries and growing with the log; see
 * docs/queries/action-and-date-range.md). An account whose entries are not in time order (an entry
 * back-dated by more than the writer's skew allowance) keeps the exact, slower plan: correctness
 * never rests on the order.
 */
export class AuditTimeOrder1764450000000 implements MigrationInterface {
  name = 'AuditTimeOrder1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_heads ADD COLUMN last_occurred_at timestamptz, ADD COLUMN time_ordered boolean NOT NULL DEFAULT true');
    await q.query(`
      UPDATE audit_heads h SET
        last_occurred_at = (SELECT max(e.occurred_at) FROM audit_entries e WHERE e.account_id = h.account_id),
        time_ordered = NOT EXISTS (
          SELECT 1 FROM (
            SELECT e.occurred_at < lag(e.occurred_at) OVER (ORDER BY e.seq) AS back
              FROM audit_entries e WHERE e.account_id = h.account_id
          ) x WHERE x.back)`);
    await q.query('DROP INDEX audit_entries_time_idx');
    await q.query('CREATE INDEX audit_entries_time_idx ON audit_entries (account_id, occurred_at, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX audit_entries_time_idx');
    await q.query('CREATE INDEX audit_entries_time_idx ON audit_entries (account_id, occurred_at DESC)');
    await q.query('ALTER TABLE audit_heads DROP COLUMN last_occurred_at, DROP COLUMN time_ordered');
  }
}
