import { Inject, Injectable } from '@nestjs/common';
import { type AuditExportFormat, type ResolvedAuditFilter } from '@keyledger/contract';
import { createHash } from 'node:crypto';
import { type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { type AuditEntryRow } from '../audit/audit-entry.mapper';
import { AuditStore } from '../audit/audit.store';
import { ENV, type Env } from '../config/env';
import { enterAccount } from '../database/tenant-scope';
import { encodingOf, ndjsonEntry } from './audit-export.format';
import { copyRows, inlineParams } from './copy-rows';
import { CSV_COPY_OPTIONS, CSV_CELLS, CsvRecords } from './csv-copy';
import { type ExportManifest } from '@keyledger/verify';
import { toCheckpointDto } from '../audit/audit-chain.repository';

/** Below this many planned rows the total is counted exactly; above it the planner's estimate is used. */
const EXACT_COUNT_UP_TO = 1_000_000;
const PROGRESS_EVERY_MS = 1000;
/**
 * Encoded rows leave in chunks of about this many characters: small enough to die young in V8's
 * new space (a batch-sized string would be a large object that only a full GC frees, and RSS would
 * climb with the export's size until one runs), large enough to keep writes few.
 */
const CHUNK_CHARS = 64 * 1024;

export interface ExportRun {
  accountId: string;
  filter: ResolvedAuditFilter;
  format: AuditExportFormat;
  /** Given the account's last seq in this run's snapshot, returns the bound to export up to (a retry keeps the first run's). */
  pinSnapshot: (headSeq: number) => Promise<number>;
  onStart: (rowsTotalEstimate: number) => Promise<void>;
  /** Called at most about once a second while rows flow. */
  onProgress: (rowsWritten: number) => Promise<void>;
}

export interface ExportResult {
  rows: number;
  firstSeq: number | null;
  lastSeq: number | null;
  sizeBytes: number;
  sha256: string;
  /** The resident set size of this process when the rows started to flow, and the highest seen while they did. */
  startRssBytes: number;
  peakRssBytes: number;
}

/**
 * Streams the entries a filter matches, oldest first (ascending seq), into a writable: `COPY (SELECT
 * …) TO STDOUT` in a REPEATABLE READ snapshot, read only as fast as the file takes it (the socket
 * pauses under stream.pipeline's backpressure), each row parsed, encoded, hashed and counted on the
 * way. Memory holds a chunk or two, whatever the size of the export.
 */
@Injectable()
export class AuditExportWriter {
  constructor(@Inject(ENV) private readonly env: Env) {}

  async write(run: ExportRun, sink: Writable): Promise<ExportResult> {
    const client = new Client({ connectionString: this.env.DATABASE_URL, application_name: 'keyledger-export' });
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // The snapshot reads one account's entries, head and checkpoints: behind row-level security.
      await enterAccount(client, run.accountId);
      const store = new AuditStore(async (sql, params) => (await client.query(sql, params)).rows);
      // Every entry in the snapshot, up to the highest seq stored (not the recorded head: an entry
      // forged beyond the head must reach the file, where the offline verifier flags it).
      const snapshotMax = await store.maxSeq(run.accountId);
      const bound = await run.pinSnapshot(snapshotMax);
      await run.onStart(await this.countRows(client, store.exportStatements(run.accountId, run.filter, bound)));
      let result: ExportResult;
      if (run.format === 'csv') {
        // PostgreSQL writes the CSV (csv-copy.ts); Node counts records, hashes and stores.
        const rows = store.exportStatements(run.accountId, run.filter, bound, CSV_CELLS).rows;
        const copy = client.query(copyTo(`COPY (${inlineParams(rows.sql, rows.params)}) TO STDOUT ${CSV_COPY_OPTIONS}`));
        result = await this.streamCsv(copy, run, encodingOf('csv').header, sink);
      } else {
        const statements = store.exportStatements(run.accountId, run.filter, bound);
        const { fields } = await client.query(statements.fields.sql);
        // Before COPY starts: the client runs one query at a time, and COPY holds it until drained.
        const header = await this.ndjsonManifest(store, run, bound, snapshotMax);
        const copy = client.query(copyTo(`COPY (${inlineParams(statements.rows.sql, statements.rows.params)}) TO STDOUT`));
        result = await this.stream(copyRows<AuditEntryRow>(copy, fields), run, header, sink);
      }
      await client.query('COMMIT');
      return result;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async countRows(client: Client, s: ReturnType<AuditStore['exportStatements']>): Promise<number> {
    const plan = await client.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(s.planned.sql, s.planned.params);
    const planned = Math.round(plan.rows[0]?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0);
    if (planned > EXACT_COUNT_UP_TO) return planned;
    const counted = await client.query<{ n: string }>(s.count.sql, s.count.params);
    return Number(counted.rows[0]?.n ?? 0);
  }

  /**
   * The first line of an NDJSON export, for offline verification (@keyledger/verify): the chain head
   * of this snapshot, the latest signed checkpoint at or before it, and whether the file holds every
   * entry up to the head (no filter).
   */
  private async ndjsonManifest(store: AuditStore, run: ExportRun, bound: number, snapshotMax: number): Promise<string> {
    const recorded = await store.head(run.accountId);
    const headSeq = recorded?.seq ?? 0;
    // A retry of an export whose log has grown since exports up to its first run's bound, and is
    // verified against the entry at that bound; otherwise against the head the account records.
    const boundHash = bound >= snapshotMax ? null : await store.hashAt(run.accountId, bound);
    const chainHead =
      bound >= snapshotMax
        ? recorded && headSeq > 0 && recorded.hash !== null
          ? { seq: headSeq, hash: recorded.hash }
          : null
        : boundHash === null
          ? null
          : { seq: bound, hash: boundHash };
    const cp = await store.latestCheckpoint(run.accountId, Math.min(bound, headSeq));
    const manifest: ExportManifest = {
      format: 'keyledger-audit-ndjson/1',
      accountId: run.accountId,
      complete: Object.values(run.filter).every((v) => v === undefined),
      chainHead,
      checkpoint: cp ? toCheckpointDto(cp) : null,
    };
    return `${JSON.stringify({ manifest })}\n`;
  }

  /** COPY's CSV bytes → CRLF records (counted) → SHA-256 → sink, with backpressure all the way to the socket. */
  private async streamCsv(source: AsyncIterable<Buffer>, run: ExportRun, header: string, sink: Writable): Promise<ExportResult> {
    const records = new CsvRecords();
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const startRssBytes = process.memoryUsage.rss();
    let peakRssBytes = startRssBytes;
    let reportedAt = Date.now();

    async function* encode(): AsyncGenerator<Buffer> {
      const first = Buffer.from(header, 'utf8');
      hash.update(first);
      sizeBytes += first.length;
      yield first;
      for await (const chunk of source) {
        const out = records.push(chunk);
        hash.update(out);
        sizeBytes += out.length;
        yield out;
        if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
          reportedAt = Date.now();
          peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
          await run.onProgress(records.rows);
        }
      }
      records.end();
      peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
    }

    await pipeline(encode, sink);
    const { rows, firstSeq, lastSeq } = records;
    return { rows, firstSeq, lastSeq, sizeBytes, sha256: hash.digest('hex'), startRssBytes, peakRssBytes };
  }

  private async stream(source: AsyncIterable<AuditEntryRow[]>, run: ExportRun, header: string, sink: Writable): Promise<ExportResult> {
    const hash = createHash('sha256');
    let rows = 0;
    let sizeBytes = 0;
    let firstSeq: number | null = null;
    let lastSeq: number | null = null;
    const startRssBytes = process.memoryUsage.rss();
    let peakRssBytes = startRssBytes;
    let reportedAt = Date.now();

    async function* encode(): AsyncGenerator<Buffer> {
      if (header) yield Buffer.from(header, 'utf8');
      for await (const batch of source) {
        let text = '';
        for (const row of batch) {
          text += ndjsonEntry(row);
          if (text.length >= CHUNK_CHARS) {
            yield Buffer.from(text, 'utf8');
            text = '';
          }
        }
        if (text) yield Buffer.from(text, 'utf8');
        firstSeq ??= Number(batch[0]!.seq);
        lastSeq = Number(batch[batch.length - 1]!.seq);
        rows += batch.length;
        peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
        if (Date.now() - reportedAt >= PROGRESS_EVERY_MS) {
          reportedAt = Date.now();
          await run.onProgress(rows);
        }
      }
    }

    async function* digest(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        yield chunk;
      }
    }

    await pipeline(encode, digest, sink);
    return { rows, firstSeq, lastSeq, sizeBytes, sha256: hash.digest('hex'), startRssBytes, peakRssBytes };
  }
}
