import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LOG_STREAM_BATCH_FORMAT, type ResolvedAuditFilter, resolveAuditFilter } from '@keyledger/contract';
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
import { type BatchHead, type DestinationSender } from './senders';

/** How old the latest checkpoint a batch carries may be (it is read again after this). */
const CHECKPOINT_REREAD_MS = 1000;

/** What a batch's own fields (its head, the brackets) may take of LOG_STREAM_BATCH_MAX_BYTES. */
const HEAD_BYTES = 1024;

/** One batch as read: its entries (joined, or one by one) and what its head needs of them. */
interface ReadBatch {
  count: number;
  lastSeq: number;
  firstPrevHash: string;
  payload:
    | { kind: 'joined'; joined: Buffer }
    | { kind: 'entries'; entries: EntryJson[]; entryJson: string[] };
  /** The read of the batch after this one, started as soon as this one was read (see `readAhead`). */
  following?: Promise<ReadBatch | null>;
}

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
    const reads = this.senders.for(stream.destination_type).reads;
    // How many entries the batches read ahead ask for (see `read`).
    const sizing = { limit: this.env.LOG_STREAM_BATCH_MAX_ENTRIES };
    const read = (after: number, toSeq: number) =>
      this.read(reads, accountId, filter, after, toSeq, sizing).catch(() => null);
    // The head is read again only once delivery has reached it; the latest checkpoint at most once a
    // CHECKPOINT_REREAD_MS. The next batch is read while the current one is being sent, and noted as
    // pending by the statement that acknowledges the current one.
    let head: number | null = null;
    let checkpoint: {
      value: Awaited<ReturnType<AuditStore['latestCheckpoint']>>;
      at: number;
    } | null = null;
    // A batch already noted as pending (pending_through_seq = its last seq), with the row that noted it.
    let noted: { batch: ReadBatch; row: LogStreamRow } | null = null;
    // A read of the next batch still under way when its predecessor was acknowledged (used if it fits).
    let carried: { after: number; toSeq: number; batch: Promise<ReadBatch | null> } | null = null;

    while (Date.now() < deadline) {
      let batch: ReadBatch;
      let row: LogStreamRow;
      if (noted) {
        ({ batch, row } = noted);
        noted = null;
      } else {
        // The head first: an entry and its head move commit together, so every entry up to the head read
        // here is visible to the query after it. (Reading the head after the entries would skip an entry
        // committed in between.) A head read earlier still holds: its entries stay visible.
        if (head === null || delivered >= head) head = (await this.chain().head(accountId))?.seq ?? 0;
        const toSeq = pending !== null && pending > delivered ? Math.min(pending, head) : head;
        if (toSeq <= delivered) return;
        const reused =
          carried && carried.after === delivered && carried.toSeq === toSeq ? await carried.batch : null;
        carried = null;
        // At the whole limit: this may be a pending range read again (it must be cut as it was).
        const found = reused ?? (await this.read(reads, accountId, filter, delivered, toSeq, null));
        if (!found) {
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
        const marked = await this.repo.markPending(
          stream.id,
          this.owner,
          delivered,
          found.lastSeq,
          this.env.LOG_STREAM_LEASE_MS,
        );
        if (!marked) return; // paused, backfilled or taken over meanwhile
        batch = found;
        row = marked;
      }
      // The destination and secret as they are now (an edit since the claim applies from this batch on);
      // a destination of another kind (read otherwise) is left to the next pass, with this range pending.
      const sender = this.senders.for(row.destination_type);
      if (sender.reads !== reads) return;
      if (row.secrets_encrypted !== stream.secrets_encrypted) {
        secret = secretOf(row.secrets_encrypted);
      }
      const { lastSeq } = batch;
      const firstSeq = delivered + 1;
      const chain = this.chain();
      const prevHash = !filtered
        ? batch.firstPrevHash
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
      // Reading is free of side effects: the batches after this one are read while it is sent, back to
      // back (the one after next starts as soon as the next is read, so PostgreSQL need not wait for this
      // send and its acknowledgement), at most two ahead, and used only if this one is acknowledged and
      // nothing moved meanwhile. A failed read only means no batch is noted with the acknowledgement.
      const upTo = head ?? lastSeq;
      const readAhead: { batch?: ReadBatch | null } = {};
      const ahead =
        lastSeq < upTo
          ? (batch.following ?? read(lastSeq, upTo)).then((b) => {
              if (b && b.lastSeq < upTo && !b.following) b.following = read(b.lastSeq, upTo);
              readAhead.batch = b;
              return b;
            })
          : null;
      const target = this.target(row, secret);
      const result =
        sender.reads === 'joined' && batch.payload.kind === 'joined'
          ? await sender.send(target, { head: batchHead, count: batch.count, joined: batch.payload.joined })
          : sender.reads === 'entries' && batch.payload.kind === 'entries'
            ? await sender.send(target, {
                head: batchHead,
                entries: batch.payload.entries,
                entryJson: batch.payload.entryJson,
              })
            : null;
      if (!result) throw new Error(`a ${batch.payload.kind} batch for a ${sender.reads} sender`);
      const attempt: NewAttempt = {
        id: uuidv7(),
        accountId,
        streamId: stream.id,
        batchId: id,
        firstSeq,
        lastSeq,
        entries: batch.count,
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
      pass.entries += batch.count;
      failuresBefore = 0;
      // The attempt is recorded with the acknowledgement, and the next batch (if already read and time is
      // left) noted as pending, in one statement. The acknowledgement never waits for a read: it extends
      // the lease, which must not lapse while this worker still holds an unacknowledged batch.
      const next = Date.now() < deadline ? (readAhead.batch ?? null) : null;
      const acked = await this.repo.acknowledged(
        stream.id,
        this.owner,
        delivered,
        lastSeq,
        this.env.LOG_STREAM_LEASE_MS,
        attempt,
        next?.lastSeq ?? null,
      );
      if (!acked) return;
      this.logger.debug(
        `Log stream ${stream.id}: batch ${id} (#${firstSeq}–#${lastSeq}, ${batch.count} entries) delivered by ${this.owner} in ${result.durationMs} ms`,
      );
      delivered = lastSeq;
      pending = acked.pending_through_seq === null ? null : Number(acked.pending_through_seq);
      if (acked.status === 'paused') return;
      if (next && pending === next.lastSeq) noted = { batch: next, row: acked };
      else if (ahead) carried = { after: lastSeq, toSeq: upTo, batch: ahead };
    }
  }

  /**
   * The next batch after `after` through `toSeq`: at most LOG_STREAM_BATCH_MAX_ENTRIES entries and
   * LOG_STREAM_BATCH_MAX_BYTES of body (1 KiB kept for the batch's head), cut the same way (UTF-8 bytes)
   * whichever way it is read: joined into one value by PostgreSQL for a sender of whole bodies, entry by
   * entry for the others. null when no entry matches.
   */
  private async read(
    reads: DestinationSender['reads'],
    accountId: string,
    filter: ResolvedAuditFilter,
    after: number,
    toSeq: number,
    sizing: { limit: number } | null,
  ): Promise<ReadBatch | null> {
    const maxEntries = this.env.LOG_STREAM_BATCH_MAX_ENTRIES;
    const maxBytes = this.env.LOG_STREAM_BATCH_MAX_BYTES - HEAD_BYTES;
    // Entries read past the byte cut are encoded for nothing (a fifth of a backfill's ~1.3 KB entries at
    // 1,000 and 1 MB): after a batch cut by its bytes, read that batch's size and a sixteenth; after one cut
    // by the limit, the whole limit again. Only the size of the batches changes, never how a range is cut:
    // a range fits in the bytes whatever limit read it, so a pending range read again is the same batch.
    const limit = sizing ? Math.min(maxEntries, sizing.limit) : maxEntries;
    const resize = (count: number, read: number) => {
      if (!sizing) return;
      if (read > count) sizing.limit = Math.min(maxEntries, count + Math.ceil(count / 16) + 1);
      else if (count >= limit) sizing.limit = maxEntries;
    };
    if (reads === 'joined') {
      const j = await this.audit.joinedJsonAfter(accountId, filter, after, limit, maxBytes, toSeq);
      if (j) resize(j.count, j.read);
      return j && {
        count: j.count,
        lastSeq: j.lastSeq,
        firstPrevHash: j.firstPrevHash,
        payload: { kind: 'joined', joined: j.joined },
      };
    }
    const entries = await this.audit.entriesJsonAfter(accountId, filter, after, limit, toSeq);
    if (entries.length === 0) return null;
    const entryJson: string[] = [];
    let bytes = 0;
    for (const e of entries) {
      const size = Buffer.byteLength(e.json) + 1;
      if (entryJson.length > 0 && bytes + size > maxBytes) break;
      entryJson.push(e.json);
      bytes += size;
    }
    const taken = entries.slice(0, entryJson.length);
    resize(taken.length, entries.length);
    return {
      count: taken.length,
      lastSeq: taken[taken.length - 1]!.seq,
      firstPrevHash: taken[0]!.prevHash,
      payload: { kind: 'entries', entries: taken, entryJson },
    };
  }

  private target(stream: LogStreamRow, secret: string) {
    return { streamId: stream.id, accountId: stream.account_id, config: stream.config, secret };
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
