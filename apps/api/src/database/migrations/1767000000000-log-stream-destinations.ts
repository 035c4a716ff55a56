import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Log stream destinations (issue 14): besides the webhook, Splunk HEC (`splunk_hec`), Datadog logs
 * (`datadog`) and S3-compatible object storage (`s3`).
 *
 * `log_stream_s3_objects`: one row per batch object an S3 stream wrote (its key, the hour it was
 * written in, SHA-256 of the object, seq range, and the signed checkpoint it carried); the worker lists
 * an hour's rows into that hour's digest. A retried batch rewrites its row.
 *
 * `log_stream_s3_digests`: one row per hour with objects — the digest object's key and SHA-256 as
 * last written, and whether the hour is over (then it is final and the next hour's digest chains to it).
 *
 * Both under row-level security like every tenant table: the tenant role may read and delete them (a
 * stream's rows go with it); the worker, as owner, writes them.
 */
const ROLE = 'keyledger_tenant';
const CURRENT = `NULLIF(current_setting('app.account_id', true), '')::uuid`;

export class LogStreamDestinations1767000000000 implements MigrationInterface {
  name = 'LogStreamDestinations1767000000000';

  static readonly GRANTS: Record<string, string> = {
    log_stream_s3_objects: 'SELECT, DELETE',
    log_stream_s3_digests: 'SELECT, DELETE',
  };

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE log_streams DROP CONSTRAINT log_streams_destination_type_check');
    await q.query(
      `ALTER TABLE log_streams ADD CONSTRAINT log_streams_destination_type_check CHECK (destination_type IN ('webhook', 'splunk_hec', 'datadog', 's3'))`,
    );
    await q.query(`
      CREATE TABLE log_stream_s3_objects (
        stream_id uuid NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id),
        key text NOT NULL,
        hour timestamptz NOT NULL,
        sha256 text NOT NULL,
        bytes bigint NOT NULL,
        first_seq bigint NOT NULL,
        last_seq bigint NOT NULL,
        entries integer NOT NULL,
        checkpoint jsonb,
        written_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, key)
      )`);
    await q.query(
      'CREATE INDEX log_stream_s3_objects_hour ON log_stream_s3_objects (stream_id, hour, first_seq)',
    );
    await q.query(`
      CREATE TABLE log_stream_s3_digests (
        stream_id uuid NOT NULL REFERENCES log_streams(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id),
        hour timestamptz NOT NULL,
        key text NOT NULL,
        sha256 text NOT NULL,
        objects integer NOT NULL,
        complete boolean NOT NULL DEFAULT false,
        written_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, hour)
      )`);
    for (const [table, privileges] of Object.entries(LogStreamDestinations1767000000000.GRANTS)) {
      await q.query(`GRANT ${privileges} ON ${table} TO ${ROLE}`);
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY tenant_isolation ON ${table} TO ${ROLE} USING (account_id = ${CURRENT}) WITH CHECK (account_id = ${CURRENT})`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE log_stream_s3_digests');
    await q.query('DROP TABLE log_stream_s3_objects');
    await q.query(`DELETE FROM log_streams WHERE destination_type <> 'webhook'`);
    await q.query('ALTER TABLE log_streams DROP CONSTRAINT log_streams_destination_type_check');
    await q.query(
      `ALTER TABLE log_streams ADD CONSTRAINT log_streams_destination_type_check CHECK (destination_type IN ('webhook'))`,
    );
  }
}
