import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { type IntegrityReport, type IntegrityVerification } from '@keyledger/contract';
import { GENESIS_HASH } from '@keyledger/verify';
import { AuditStore } from '../audit/audit.store';
import { type IntegrityRunRow, toCheckpointDto } from '../audit/audit-chain.repository';
import { decodeCursor, encodeCursor, isCreatedCursor, isSeqCursor, type CreatedCursor, type SeqCursor } from '../common/cursor';
import { notFound, serviceUnavailable } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { currentAccountId, requirePrincipal } from '../common/request-context';
import { QUEUES } from '../jobs/queues';
import { type FullVerificationJobV1, queueFullRun } from './integrity.job';
import { SigningKeyService } from './signing-key.service';

/** How long a request waits for Redis before answering 503. */
const ENQUEUE_TIMEOUT_MS = 2000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toVerificationDto(r: IntegrityRunRow): IntegrityVerification {
  const head = r.head_seq === null ? null : Number(r.head_seq);
  const checked = Number(r.entries_checked);
  const seconds = r.started_at && r.finished_at ? (r.finished_at.getTime() - r.started_at.getTime()) / 1000 : null;
  return {
    id: r.id,
    trigger: r.trigger === 'schedule' ? 'schedule' : 'manual',
    requestedBy: { type: r.requested_by_type, id: r.requested_by_id, name: r.requested_by_name },
    status: r.status,
    requestedAt: r.requested_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    headSeq: head,
    entriesChecked: checked,
    progress: r.status === 'completed' ? 1 : head ? Math.min(1, checked / head) : 0,
    threads: r.threads,
    ok: r.ok,
    firstBrokenSeq: r.first_broken_seq === null ? null : Number(r.first_broken_seq),
    reason: r.reason,
    entriesPerSecond: r.status === 'completed' && seconds !== null ? Math.round(checked / Math.max(seconds, 0.001)) : null,
    error: r.error,
  };
}

/** The API's side of integrity: signed checkpoints, the stored integrity status, and "verify now" (queued for the worker). */
@Injectable()
export class IntegrityService {
  private readonly logger = new Logger(IntegrityService.name);

  constructor(
    private readonly db: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly key: SigningKeyService,
    @InjectQueue(QUEUES.auditVerifications) private readonly queue: Queue<FullVerificationJobV1>,
  ) {}

  /**
   * Sign the head of every account that has entries past its last checkpoint. Returns how many were
   * signed. Runs as the owner, outside row-level security: it reads every account's head.
   */
  async sealDue(): Promise<number> {
    const store = new AuditStore((sql, params) => this.db.query(sql, params));
    const due = await store.headsPastCheckpoint();
    const { keyId } = this.key.get();
    for (const d of due) {
      const payload = { accountId: d.account_id, seq: Number(d.last_seq), hash: d.last_hash, at: new Date().toISOString() };
      await store.insertCheckpoint({ ...payload, keyId, signature: this.key.sign(payload) });
    }
    if (due.length) this.logger.log(`Signed ${due.length} checkpoint(s)`);
    return due.length;
  }

  private repo() {
    const tx = this.txHost.tx;
    return new AuditStore((sql, params) => tx.query(sql, params));
  }

  /**
   * The caller's stored integrity status (what the worker's verifiers recorded), the sealed head and
   * the latest full verification: one statement of key lookups, whatever the chain's length. Nothing
   * is re-hashed here.
   */
  async status(): Promise<IntegrityReport> {
    const accountId = currentAccountId();
    const { status, head, latestFull: latest, checkpoint: cpRow, sealing } = await this.repo().statusView(accountId);
    const verified = Number(status?.verified_through_seq ?? 0);
    const headSeq = head?.seq ?? 0;
    const broken = status?.first_broken_seq ? Number(status.first_broken_seq) : null;
    return {
      ok: broken === null,
      verifiedThroughSeq: verified,
      verifiedThroughHash: status?.verified_through_hash ?? GENESIS_HASH,
      headSeq,
      headHash: head?.hash ?? GENESIS_HASH,
      unverifiedEntries: Math.max(0, headSeq - verified),
      entriesChecked: Number(status?.last_run_entries ?? 0),
      lastCheckpoint: cpRow ? { ...toCheckpointDto(cpRow), signatureValid: status?.checkpoint_valid ?? false } : null,
      ...(broken !== null
        ? { firstBrokenSeq: broken, reason: status?.broken_reason ?? 'broken', brokenAt: status?.broken_at?.toISOString(), brokenBy: status?.broken_by ?? undefined }
        : {}),
      checkedAt: status?.verified_at?.toISOString() ?? null,
      lastFullVerification: latest ? toVerificationDto(latest) : null,
      sealing: { entries: sealing.entries, oldestRecordedAt: sealing.oldest?.toISOString() ?? null },
    };
  }

  /**
   * "Verify now": queues a full re-verification of the caller's chain, or returns the one already
   * queued or running (at most one per account: a unique index). Not an audit entry: it discloses
   * nothing beyond the status anyone with audit_log:read already sees; the requester is kept on the run.
   */
  async requestVerification(): Promise<IntegrityVerification> {
    const principal = requirePrincipal();
    const accountId = principal.accountId;
    const active = await this.repo().activeFullRun(accountId);
    if (active) {
      // A run left queued without its job (its request lost Redis, then its database connection, before it could
      // close the run) would block every later request: queue it again. The job id is the run's, so a job that
      // does exist is not queued twice.
      if (active.status === 'queued') await this.enqueue(active.id).catch(() => undefined); // best effort: the run is answered either way
      return toVerificationDto(active);
    }
    const id = uuidv7();
    try {
      // Committed before the job is queued, so the worker always finds the run it is asked to do.
      await this.txHost.withTransaction(() =>
        this.repo().insertRun({
          id,
          accountId,
          kind: 'full',
          trigger: 'manual',
          requestedBy: { type: principal.actor.type, id: principal.actor.id, name: principal.actor.email ?? principal.actor.name },
        }),
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        const raced = await this.repo().activeFullRun(accountId);
        if (raced) return toVerificationDto(raced);
      }
      throw err;
    }
    try {
      await this.enqueue(id);
    } catch (err) {
      // Not queued: the run is closed as failed (by the owner: the tenant role only inserts runs), so it does not block the next request.
      await new AuditStore((sql, params) => this.db.query(sql, params)).failRun(id, 'The job queue (Redis) could not be reached; nothing was verified.');
      throw err;
    }
    const row = await this.repo().run(accountId, id);
    if (!row) throw new Error(`Verification ${id} vanished`);
    return toVerificationDto(row);
  }

  private async enqueue(runId: string): Promise<void> {
    try {
      const client = await within(this.queue.client, ENQUEUE_TIMEOUT_MS, 'Redis');
      if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
      await within(queueFullRun(this.queue, runId), ENQUEUE_TIMEOUT_MS, 'Redis');
    } catch (err) {
      this.logger.warn(`Verification ${runId} not queued: ${(err as Error).message}`);
      throw serviceUnavailable('Verification is unavailable right now: the job queue (Redis) cannot be reached. Nothing was queued; try again in a minute.');
    }
  }

  async verification(id: string): Promise<IntegrityVerification> {
    const row = await this.repo().run(currentAccountId(), id);
    if (!row || row.kind !== 'full') throw notFound('Verification');
    return toVerificationDto(row);
  }

  async listVerifications(query: { limit: number; cursor?: string }) {
    const cursor = decodeCursor<CreatedCursor>(query.cursor, isCreatedCursor);
    const rows = await this.repo().listFullRuns(currentAccountId(), query.limit + 1, cursor ? { t: cursor.t, id: cursor.id } : undefined);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toVerificationDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.requested_at.toISOString(), id: last.id }) : null,
    };
  }

  async latestCheckpoint(accountId: string) {
    const row = await this.repo().latestCheckpoint(accountId);
    return row ? toCheckpointDto(row) : null;
  }

  async listCheckpoints(query: { limit: number; cursor?: string }) {
    const cursor = decodeCursor<SeqCursor>(query.cursor, isSeqCursor);
    const rows = await this.repo().checkpointsBefore(currentAccountId(), cursor?.s ?? Number.MAX_SAFE_INTEGER, query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCheckpointDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ s: Number(last.seq) }) : null,
    };
  }

  publicKey() {
    const k = this.key.get();
    return { algorithm: 'ed25519' as const, keyId: k.keyId, publicKeyPem: k.publicKeyPem };
  }
}
