import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Management API keys: only the SHA-256 of each secret is kept. */
export class ApiKeys1764400000000 implements MigrationInterface {
  name = 'ApiKeys1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id),
        name text NOT NULL,
        token_hash text NOT NULL,
        hint text NOT NULL,
        permissions text[] NOT NULL DEFAULT '{}',
        created_by_id uuid NULL,
        created_by_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz NULL
      )`);
    await q.query('CREATE UNIQUE INDEX api_keys_token_hash_key ON api_keys (token_hash)');
    await q.query('CREATE INDEX api_keys_account_created_idx ON api_keys (account_id, created_at DESC, id DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
