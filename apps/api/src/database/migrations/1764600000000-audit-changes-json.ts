import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `audit_entries.changes` as `json`, not `jsonb`: the column is written once and read whole, never
 * queried into (free text goes through `search_text`), and `json` keeps the text the writer stored —
 * JSON.stringify's compact form — so a CSV export copies it as it is. With `jsonb`, PostgreSQL prints
 * a space after every `:` and `,`, and taking them out (a regular expression that spares strings)
 * cost 80% of the CSV export's time in the database (P2 in `npm run bench`: 3.3× psql's \copy).
 * Rows written before this migration keep jsonb's printing, which is valid JSON too.
 */
export class AuditChangesJson1764600000000 implements MigrationInterface {
  name = 'AuditChangesJson1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_entries ALTER COLUMN changes TYPE json USING changes::json');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE audit_entries ALTER COLUMN changes TYPE jsonb USING changes::jsonb');
  }
}
