import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LOG_STREAM_BATCH_FORMAT, resolveAuditFilter } from '@keyledger/contract';
import { GENESIS_HASH } from '@keyledger/verify';
import { toCheckpointDto } from '../audit/audit-chain.repository';
import { type EntryJson } from '../audit/audit-entry.mapper';
import { AuditStore } from '../audit/audit.store';
import { ENV, type Env } from '../config/env';
import { uuidv7 } from '../common/ids';
import { LogStreamMailer } from './log-stream.mailer';
import { type LogStreamRow, LogStreamsRepository, type NewAttempt } from './log-streams.repository';
import { LogStreamSecretBox } from './secret-box';
import { secretField } from './destinations';
import { LogStreamSenders } from './log-stream-senders';
import { type BatchHead } from './senders';

/** How old the latest checkpoint a batch carries may be (it is read again after this). */
const CHECKPOINT_REREAD_MS = 1000;

/** Stable: the same stream and seq range always give the same id (the webhook-id receivers deduplicate on). */
export function batchId(streamId: string, firstSeq: number, lastSeq: number): string {
  return `batch_${createHash('sha256').update(`${streamId}:${firstSeq}:${lastSeq}`).digest('hex').slice(0, 32)}`;
}

/** Exponential backoff with jitter: base·2^(failures) capped at max, times a random 50–100 %. */
export function retryDelayMs(
  failuresBefore: number,
  baseMs: number,
  maxMs: number,
  random = Math.random(),
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(failuresBefore, 30));
  return Math.max(1, Math.round(exp * (0.5 + random / 2)));
}

export interface DeliveryPass {
  streams: number;
  batches: number;
  entries: number;
  failures: number;
}

/**
 * Delivers log streams (worker side). Each pass claims due streams one at a time with a lease
 * (`FOR UPDATE SKIP LOCKED`; one worker per stream, a killed worker's lease lapses after
 * LOG_STREAM_LEASE_MS) and sends their next batches in seq order until the pass's time is up:
 *   entries after delivered_through_seq (matching the filter), ≤ LOG_STREAM_BATCH_MAX_ENTRIES and
 *   ≤ LOG_STREAM_BATCH_MAX_BYTES → pending_through_seq noted (a retry resends the same range, same
 *   batch id) → POST → on 2xx delivered_through_seq moves to the batch's last seq; otherwise the
 *   failure is counted and retried with backoff; after LOG_STREAM_FAILING_AFTER in a row the stream
 *   is failing and the admins are emailed once. Every attempt is recorded (the last 50 kept).
 * Every write is conditional on the lease and the cursor, so a stale worker, a pause or a backfill
 * meanwhile is never overwritten. Runs as the owner (no principal), naming the account in every query.
 */
@Injectable()
export class LogStreamDelivery {
  private readonly logger = new Logger(LogStreamDelivery.name);
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly repo: LogStreamsRepository,
    private readonly audit: AuditStore,
    private readonly secrets: LogStreamSecretBox,
    private readonly senders: LogStreamSenders,
    private readonly mailer: LogStreamMailer,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private chain() {
    const tx = this.txHost.tx;
    return new AuditStore((sql, params) => tx.query(sql, params));
  }

  /** Claims and delivers due streams until `budgetMs` is spent or none is due. */
  async deliverDue(budgetMs: number): Promise<DeliveryPass> {
    const deadline = Date.now() + budgetMs;
    const pass: DeliveryPass = { streams: 0, batches: 0, entries: 0, failures: 0 };
    while (Date.now() < deadline) {
      const stream = await this.repo.claimDue(this.owner, this.env.LOG_STREAM_LEASE_MS);
      if (!stream) break;
      pass.streams += 1;
      try {
        await this.deliverStream(stream, deadline, pass);
      } finally {
        await this.repo.release(stream.id, this.owner);
      }
    }
    return pass;
  }

  private async deliverStream(
    stream: LogStreamRow,
    deadline: number,
    pass: DeliveryPass,
  ): Promise<void> {
    const accountId = stream.account_id;
    const resolved = resolveAuditFilter(stream.filter);
    if (!resolved.ok) {
      await this.fail(stream, {
        statusCode: null,
        message: `the stream's filter is not valid: ${resolved.issues.map((i) => i.message).join('; ')}`,
      });
      pass.failures += 1;
      return;
    }
    const filter = resolved.value;
    const filtered = Object.keys(stream.filter).length > 0;
    const secretOf = (sealed: string) =>
      this.secrets.open(stream.id, sealed)[secretField(stream.destination_type)] ?? '';
    let secret: string;
    try {
      secret = secretOf(stream.secrets_encrypted);
    } catch {
      await this.fail(stream, {
        statusCode: null,
        message: "the stream's secrets cannot be decrypted with this LOG_STREAM_SECRETS_KEY",
      });
      pass.failures += 1;
      return;
    }
    let delivered = Number(stream.delivered_through_seq);
    let pending = stream.pending_through_seq === null ? null : Number(stream.pending_through_seq);
    let failuresBefore = stream.consecutive_failures;
    // The head is read again only once delivery has reached it; the latest checkpoint at most once a
    // CHECKPOINT_REREAD_MS. The next batch's entries are read while the current one is being sent.
    let head: number | null = null;
    let checkpoint: {
      value: Awaited<ReturnType<AuditStore['latestCheckpoint']>>;
      at: number;
    } | null = null;
    let next: { after: number; toSeq: number; entries: Promise<EntryJson[]> } | null = null;

    while (Date.now() < deadline) {
      // The head first: an entry and its head move commit together, so every entry up to the head read
      // here is visible to the query after it. (Reading the head after the entries would skip an entry
      // committed in between.) A head read earlier still holds: its entries stay visible.
      if (head === null || delivered >= head) head = (await this.chain().head(accountId))?.seq ?? 0;
      const toSeq = pending !== null && pending > delivered ? Math.min(pending, head) : head;
      if (toSeq <= delivered) return;
      const prefetched =
        next !== null && next.after === delivered && next.toSeq === toSeq ? next.entries : null;
      next = null;
      const entries = await (prefetched ??
        this.audit.entriesJsonAfter(
          accountId,
          filter,
          delivered,
          this.env.LOG_STREAM_BATCH_MAX_ENTRIES,
          toSeq,
        ));
      if (entries.length === 0) {
        // Nothing matches the filter through the head: a filtered stream has covered the log that far.
        if (!filtered) return;
        const acked = await this.repo.acknowledged(
          stream.id,
          this.owner,
          delivered,
          toSeq,
          this.env.LOG_STREAM_LEASE_MS,
        );
        if (!acked) return;
        delivered = toSeq;
        pending = null;
        continue;
      }
      const { json, taken } = this.fit(entries);
      const lastSeq = taken[taken.length - 1]!.seq;
      const firstSeq = delivered + 1;
      const chain = this.chain();
      const prevHash = !filtered
        ? taken[0]!.prevHash
        : delivered === 0
          ? GENESIS_HASH
          : ((await chain.hashAt(accountId, delivered)) ?? GENESIS_HASH);
      if (!checkpoint || Date.now() - checkpoint.at >= CHECKPOINT_REREAD_MS)
        checkpoint = { value: await chain.latestCheckpoint(accountId), at: Date.now() };
      const cp = checkpoint.value;
      const id = batchId(stream.id, firstSeq, lastSeq);
      const batchHead: BatchHead = {
        format: LOG_STREAM_BATCH_FORMAT,
        streamId: stream.id,
        accountId,
        batchId: id,
        firstSeq,
        lastSeq,
        prevHash,
        filtered,
        checkpoint: cp ? toCheckpointDto(cp) : null,
      };
      const marked = await this.repo.markPending(
        stream.id,
        this.owner,
        delivered,
        lastSeq,
        this.env.LOG_STREAM_LEASE_MS,
      );
      if (!marked) return; // paused, backfilled or taken over meanwhile
      // The destination and secret as they are now (an edit since the claim applies from this batch on).
      if (marked.secrets_encrypted !== stream.secrets_encrypted) {
        secret = secretOf(marked.secrets_encrypted);
      }
      // Reading is free of side effects: the entries after this batch are fetched while it is sent, and
      // used only if it is acknowledged and nothing moved.
      if (lastSeq < head) {
        const entriesNext = this.audit.entriesJsonAfter(
          accountId,
          filter,
          lastSeq,
          this.env.LOG_STREAM_BATCH_MAX_ENTRIES,
          head,
        );
        entriesNext.catch(() => undefined); // awaited (and its error seen) only if used
        next = { after: lastSeq, toSeq: head, entries: entriesNext };
      }
      const result = await this.senders
        .for(marked.destination_type)
        .send(this.target(marked, secret), { head: batchHead, entries: taken, entryJson: json });
      const attempt: NewAttempt = {
        id: uuidv7(),
        accountId,
        streamId: stream.id,
        batchId: id,
        firstSeq,
        lastSeq,
        entries: taken.length,
        ok: result.ok,
        statusCode: result.statusCode,
        durationMs: result.durationMs,
        error: result.error,
      };
      if (!result.ok) {
        await this.repo.recordAttempt(attempt);
        pass.failures += 1;
        await this.fail(
          { ...stream, consecutive_failures: failuresBefore },
          { statusCode: result.statusCode, message: result.error ?? 'failed' },
        );
        return;
      }
      pass.batches += 1;
      pass.entries += taken.length;
      failuresBefore = 0;
      // The attempt is recorded with the acknowledgement, in one statement.
      const acked = await this.repo.acknowledged(
        stream.id,
        this.owner,
        delivered,
        lastSeq,
        this.env.LOG_STREAM_LEASE_MS,
        attempt,
      );
      if (!acked) return;
      this.logger.debug(
        `Log stream ${stream.id}: batch ${id} (#${firstSeq}–#${lastSeq}, ${taken.length} entries) delivered by ${this.owner} in ${result.durationMs} ms`,
      );
      delivered = lastSeq;
      pending = null;
      if (acked.status === 'paused') return;
    }
  }

  private target(stream: LogStreamRow, secret: string) {
    return { streamId: stream.id, accountId: stream.account_id, config: stream.config, secret };
  }

  /** As many entries as fit LOG_STREAM_BATCH_MAX_BYTES (at least one), as PostgreSQL encoded them. */
  private fit(entries: EntryJson[]): { json: string[]; taken: EntryJson[] } {
    const json: string[] = [];
    let bytes = 1024;
    for (const e of entries) {
      if (json.length > 0 && bytes + e.json.length + 1 > this.env.LOG_STREAM_BATCH_MAX_BYTES) break;
      json.push(e.json);
      bytes += e.json.length + 1;
    }
    return { json, taken: entries.slice(0, json.length) };
  }

  private async fail(
    stream: LogStreamRow,
    error: { statusCode: number | null; message: string },
  ): Promise<void> {
    const retryIn = retryDelayMs(
      stream.consecutive_failures,
      this.env.LOG_STREAM_RETRY_BASE_MS,
      this.env.LOG_STREAM_RETRY_MAX_MS,
    );
    const row = await this.repo.failed(
      stream.id,
      this.owner,
      { statusCode: error.statusCode, message: error.message.slice(0, 500) },
      retryIn,
      this.env.LOG_STREAM_FAILING_AFTER,
    );
    this.logger.warn(
      `Log stream ${stream.id}: delivery failed (${error.message.slice(0, 200)}); retry in ${retryIn} ms`,
    );
    if (row?.status === 'failing') await this.mailer.sendFailingOnce(row);
  }
}
