import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type Checkpoint } from '@keyledger/verify';

export interface S3ObjectRow {
  key: string;
  sha256: string;
  bytes: string;
  first_seq: string;
  last_seq: string;
  entries: number;
  checkpoint: Checkpoint | null;
}

export interface S3DigestRow {
  hour: Date;
  key: string;
  sha256: string;
  objects: number;
  complete: boolean;
  written_at: Date;
}

/** How long the rows of objects in final digests are kept (the digests in the bucket keep them for good). */
const KEEP_OBJECT_ROWS = '2 days';

/** The S3 destination's bookkeeping (log_stream_s3_objects, log_stream_s3_digests), written by the worker as the owner. */
@Injectable()
export class LogStreamS3Repository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.txHost.tx.query(sql, params) as Promise<T>;
  }

  /** Notes an object written (a retried batch under the same key replaces its row). */
  async recordObject(o: {
    streamId: string;
    accountId: string;
    key: string;
    hour: Date;
    sha256: string;
    bytes: number;
    firstSeq: number;
    lastSeq: number;
    entries: number;
    checkpoint: Checkpoint | null;
  }): Promise<void> {
    await this.query(
      `INSERT INTO log_stream_s3_objects (stream_id, account_id, key, hour, sha256, bytes, first_seq, last_seq, entries, checkpoint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (stream_id, key) DO UPDATE SET hour = EXCLUDED.hour, sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes,
         entries = EXCLUDED.entries, checkpoint = EXCLUDED.checkpoint, written_at = now()`,
      [o.streamId, o.accountId, o.key, o.hour, o.sha256, o.bytes, o.firstSeq, o.lastSeq, o.entries, o.checkpoint ? JSON.stringify(o.checkpoint) : null],
    );
  }

  async hourObjects(streamId: string, hour: Date): Promise<S3ObjectRow[]> {
    return this.query<S3ObjectRow[]>(
      `SELECT key, sha256, bytes, first_seq, last_seq, entries, checkpoint FROM log_stream_s3_objects
        WHERE stream_id = $1 AND hour = $2 ORDER BY first_seq, last_seq, key`,
      [streamId, hour],
    );
  }

  /** Hours before `hour` with objects whose digest is not final yet, oldest first. */
  async openHoursBefore(streamId: string, hour: Date): Promise<Date[]> {
    const rows = await this.query<Array<{ hour: Date }>>(
      `SELECT DISTINCT o.hour FROM log_stream_s3_objects o
         LEFT JOIN log_stream_s3_digests d ON d.stream_id = o.stream_id AND d.hour = o.hour
        WHERE o.stream_id = $1 AND o.hour < $2 AND d.complete IS NOT TRUE
        ORDER BY o.hour`,
      [streamId, hour],
    );
    return rows.map((r) => r.hour);
  }

  async digest(streamId: string, hour: Date): Promise<S3DigestRow | null> {
    const rows = await this.query<S3DigestRow[]>(
      'SELECT hour, key, sha256, objects, complete, written_at FROM log_stream_s3_digests WHERE stream_id = $1 AND hour = $2',
      [streamId, hour],
    );
    return rows[0] ?? null;
  }

  /** The latest final digest before `hour`: the one the digest of `hour` chains to. */
  async previousFinal(streamId: string, hour: Date): Promise<S3DigestRow | null> {
    const rows = await this.query<S3DigestRow[]>(
      `SELECT hour, key, sha256, objects, complete, written_at FROM log_stream_s3_digests
        WHERE stream_id = $1 AND hour < $2 AND complete ORDER BY hour DESC LIMIT 1`,
      [streamId, hour],
    );
    return rows[0] ?? null;
  }

  async saveDigest(d: {
    streamId: string;
    accountId: string;
    hour: Date;
    key: string;
    sha256: string;
    objects: number;
    complete: boolean;
  }): Promise<void> {
    await this.query(
      `INSERT INTO log_stream_s3_digests (stream_id, account_id, hour, key, sha256, objects, complete)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (stream_id, hour) DO UPDATE SET key = EXCLUDED.key, sha256 = EXCLUDED.sha256,
         objects = EXCLUDED.objects, complete = EXCLUDED.complete, written_at = now()`,
      [d.streamId, d.accountId, d.hour, d.key, d.sha256, d.objects, d.complete],
    );
    if (d.complete) {
      await this.query(
        `DELETE FROM log_stream_s3_objects o USING log_stream_s3_digests d
          WHERE o.stream_id = $1 AND d.stream_id = o.stream_id AND d.hour = o.hour AND d.complete
            AND o.hour < now() - interval '${KEEP_OBJECT_ROWS}'`,
        [d.streamId],
      );
    }
  }
}
