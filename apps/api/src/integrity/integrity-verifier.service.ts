import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { type AuditActor } from '@keyledger/contract';
import { GENESIS_HASH } from '@keyledger/verify';
import { type Query } from '../audit/audit-chain.repository';
import { AuditStore } from '../audit/audit.store';
import { AuditService } from '../audit/audit.service';
import { uuidv7 } from '../common/ids';
import { ENV, type Env } from '../config/env';
import { type FullVerificationReport, runFullVerification } from './full-verification';
import { SigningKeyService } from './signing-key.service';
import { checkCheckpoint, type CheckpointCheck, verifyRange } from './verify-chain';

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, name: 'Keyledger', email: null };

export interface IncrementalResult {
  accountId: string;
  ok: boolean;
  skipped?: 'broken' | 'no-account';
  verifiedThroughSeq: number;
  entriesChecked: number;
  firstBrokenSeq?: number;
  reason?: string;
}

interface Break {
  seq: number;
  reason: string;
}

/**
 * The worker's verifiers (never the API's request path):
 * - incremental: per account, from the last verified entry (its seq and hash kept in
 *   audit_integrity_status) through the sealed head, checking every checkpoint signed in between;
 * - full: a queued re-verification of the whole chain over seq ranges in worker threads
 *   (full-verification.ts), with progress on its audit_integrity_runs row.
 * A break is stored, logged as an error, and written to the account's audit log by the system actor
 * (`audit_log_integrity_broken`), once per newly found break.
 *
 * Runs as the owner (outside row-level security, with an explicit account filter in every query), as
 * the checkpoint job does: it reads every account's chain.
 */
@Injectable()
export class IntegrityVerifier {
  private readonly logger = new Logger(IntegrityVerifier.name);

  constructor(
    private readonly db: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly audit: AuditService,
    private readonly key: SigningKeyService,
    private readonly cls: ClsService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private repo(query: Query = (sql, params) => this.db.query(sql, params)) {
    return new AuditStore(query);
  }

  /** One pass of the incremental verifier over the accounts that have unverified sealed entries. Returns how many were checked. */
  async verifyDue(): Promise<number> {
    const accounts = await this.repo().accountsBehind(100);
    for (const accountId of accounts) {
      try {
        await this.verifyIncrementally(accountId);
      } catch (err) {
        this.logger.error({ accountId, err }, 'Incremental verification failed (will retry on the next pass)');
      }
    }
    return accounts.length;
  }

  /**
   * Verifies one account's sealed entries from its last verified point: at most
   * INTEGRITY_INCREMENTAL_MAX_ENTRIES per call (the next pass continues), in one REPEATABLE READ
   * snapshot. The verified point itself is re-checked first (its entry must still carry the stored hash).
   */
  async verifyIncrementally(accountId: string, maxEntries = this.env.INTEGRITY_INCREMENTAL_MAX_ENTRIES): Promise<IncrementalResult> {
    const qr = this.db.createQueryRunner();
    await qr.connect();
    let outcome: { verifiedSeq: number; verifiedHash: string; count: number; broken: Break | null; checkpoint: CheckpointCheck | null; checkpointSeq: number | null };
    try {
      await qr.startTransaction('REPEATABLE READ');
      const repo = this.repo((sql, params) => qr.query(sql, params));
      const status = await repo.status(accountId);
      if (status?.first_broken_seq) {
        await qr.commitTransaction();
        return { accountId, ok: false, skipped: 'broken', verifiedThroughSeq: Number(status.verified_through_seq), entriesChecked: 0, firstBrokenSeq: Number(status.first_broken_seq), reason: status.broken_reason ?? undefined };
      }
      const head = await repo.head(accountId);
      if (!head) {
        await qr.commitTransaction();
        return { accountId, ok: true, skipped: 'no-account', verifiedThroughSeq: 0, entriesChecked: 0 };
      }
      const from = Number(status?.verified_through_seq ?? 0);
      const fromHash = status?.verified_through_hash ?? GENESIS_HASH;
      outcome = { verifiedSeq: from, verifiedHash: fromHash, count: 0, broken: null, checkpoint: null, checkpointSeq: null };
      if (head.seq < from) outcome.broken = { seq: head.seq + 1, reason: `the chain head is behind entry #${from}, which was verified: entries were removed` };
      if (!outcome.broken) {
        const toHead = head.seq - from <= maxEntries;
        const end = toHead ? { seq: head.seq, head: { hash: head.hash } } : { seq: from + maxEntries };
        // The latest checkpoint up to the end of this pass, when it is newer than the one checked last
        // (it may name an entry verified earlier: its stored hash is compared then), and one beyond the
        // head. The latest suffices: through the chain, its hash covers every entry before it.
        const latestInPass = await repo.latestCheckpoint(accountId, end.seq);
        const checkpoints = latestInPass && Number(latestInPass.seq) > Number(status?.checkpoint_seq ?? 0) ? [latestInPass] : [];
        const beyond = toHead ? await repo.latestCheckpoint(accountId) : null;
        // The pass starts at the verified entry itself, re-hashed from its stored fields: a change to
        // it since (content or hash) is found here, not only by the next full verification.
        const start = Math.max(1, from);
        const range = await verifyRange(repo, accountId, start, end, { watch: [...checkpoints.map((c) => Number(c.seq)), from] });
        outcome.count = Math.max(0, range.count - (from > 0 ? 1 : 0));
        outcome.verifiedSeq = range.verifiedThroughSeq;
        outcome.verifiedHash = range.lastHash ?? fromHash;
        const anchor = from > 0 ? new Map(range.hashesAt).get(from) : undefined;
        if (from > 0 && (range.ok || range.firstBrokenSeq! > from) && anchor !== fromHash) {
          outcome.broken = { seq: from, reason: `entry #${from} does not match the hash it was verified with: it was changed` };
          outcome.verifiedSeq = from - 1;
        } else if (!range.ok) outcome.broken = { seq: range.firstBrokenSeq!, reason: range.reason! };
        else {
          const hashes = new Map(range.hashesAt);
          hashes.set(from, fromHash);
          for (const c of checkpoints) {
            const seq = Number(c.seq);
            if (!hashes.has(seq)) hashes.set(seq, (await repo.hashAt(accountId, seq)) ?? 'missing');
          }
          const rows = beyond && Number(beyond.seq) > end.seq ? [...checkpoints, beyond] : checkpoints;
          for (const row of rows) {
            const check = checkCheckpoint(row, accountId, this.key.get().publicKey, head.seq, (s) => hashes.get(s));
            outcome.checkpoint = check;
            if (check.broken) {
              outcome.broken = check.broken;
              break;
            }
            outcome.checkpointSeq = check.checkpoint.seq;
          }
        }
      }
      await qr.commitTransaction();
    } catch (err) {
      if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await qr.release();
    }

    const repo = this.repo();
    if (!outcome.broken) {
      await repo.saveVerified(accountId, { seq: outcome.verifiedSeq, hash: outcome.verifiedHash, checkpointSeq: outcome.checkpointSeq, entries: outcome.count });
      return { accountId, ok: true, verifiedThroughSeq: outcome.verifiedSeq, entriesChecked: outcome.count };
    }
    const verifiedSeq = Math.min(outcome.verifiedSeq, outcome.broken.seq - 1);
    const news = await repo.saveBroken(accountId, {
      verifiedSeq,
      verifiedHash: verifiedSeq === outcome.verifiedSeq ? outcome.verifiedHash : (await repo.hashAt(accountId, verifiedSeq)) ?? GENESIS_HASH,
      firstBrokenSeq: outcome.broken.seq,
      reason: outcome.broken.reason,
      by: 'incremental',
      checkpointSeq: outcome.checkpoint?.checkpoint.seq ?? null,
      checkpointValid: outcome.checkpoint ? outcome.checkpoint.signatureValid : null,
      entries: outcome.count,
    });
    if (news) {
      const runId = uuidv7();
      await repo.insertRun({ id: runId, accountId, kind: 'incremental', trigger: 'incremental', requestedBy: SYSTEM_ACTOR, status: 'completed' });
      await repo.finishRun(runId, { ok: false, entriesChecked: outcome.count, firstBrokenSeq: outcome.broken.seq, reason: outcome.broken.reason, checkpointSeq: outcome.checkpoint?.checkpoint.seq ?? null });
      await this.raiseBreak(accountId, runId, 'incremental', outcome.broken);
    }
    return { accountId, ok: false, verifiedThroughSeq: verifiedSeq, entriesChecked: outcome.count, firstBrokenSeq: outcome.broken.seq, reason: outcome.broken.reason };
  }

  /** Runs a queued full verification (its audit_integrity_runs row) to the end, recording progress and the result. */
  async runFull(runId: string): Promise<FullVerificationReport | null> {
    const repo = this.repo();
    const run = await repo.runById(runId);
    if (!run) throw new Error(`Verification run ${runId} not found (not committed yet?): retried`);
    if (run.kind !== 'full' || run.status === 'completed' || run.status === 'failed') return null;
    const accountId = run.account_id;
    let lastWrite = 0;
    let report: FullVerificationReport;
    try {
      report = await runFullVerification({
        databaseUrl: this.env.DATABASE_URL,
        accountId,
        publicKey: this.key.get().publicKey,
        threads: this.env.INTEGRITY_VERIFY_THREADS,
        minEntriesPerThread: this.env.INTEGRITY_MIN_ENTRIES_PER_THREAD,
        onStart: (headSeq, threads) => repo.startRun(runId, headSeq, threads),
        onProgress: (n) => {
          const now = Date.now();
          if (now - lastWrite < 500) return;
          lastWrite = now;
          repo.runProgress(runId, n).catch((err: unknown) => this.logger.warn({ runId, err }, 'Could not record verification progress'));
        },
      });
    } catch (err) {
      await repo.failRun(runId, err instanceof Error ? err.message : String(err));
      throw err;
    }
    const broken: Break | null = report.ok ? null : { seq: report.firstBrokenSeq!, reason: report.reason! };
    await repo.finishRun(runId, {
      ok: report.ok,
      entriesChecked: report.entriesChecked,
      firstBrokenSeq: broken?.seq ?? null,
      reason: broken?.reason ?? null,
      checkpointSeq: report.lastCheckpoint?.seq ?? null,
    });
    const status = await repo.status(accountId);
    if (!broken) {
      // A whole chain through the run's head: it becomes the verified point unless the incremental
      // verifier is already further (and found no break), and it clears a break at or below it.
      const brokenSeq = status?.first_broken_seq ? Number(status.first_broken_seq) : null;
      const verified = Number(status?.verified_through_seq ?? 0);
      if ((brokenSeq === null && verified <= report.verifiedThroughSeq) || (brokenSeq !== null && brokenSeq <= report.verifiedThroughSeq)) {
        await repo.saveVerified(accountId, { seq: report.verifiedThroughSeq, hash: report.verifiedThroughHash, checkpointSeq: report.lastCheckpoint?.seq ?? null, entries: report.entriesChecked });
      }
      this.logger.log(`Full verification ${runId}: ${report.entriesChecked} entries of account ${accountId} intact (${Math.round(report.entriesChecked / report.seconds)}/s, ${report.threads} thread(s))`);
    } else {
      const news = await repo.saveBroken(accountId, {
        verifiedSeq: report.verifiedThroughSeq,
        verifiedHash: report.verifiedThroughHash,
        firstBrokenSeq: broken.seq,
        reason: broken.reason,
        by: 'full',
        checkpointSeq: report.lastCheckpoint?.seq ?? null,
        checkpointValid: report.lastCheckpoint?.signatureValid ?? null,
        entries: report.entriesChecked,
      });
      if (news) await this.raiseBreak(accountId, runId, 'full', broken);
      else this.logger.error({ accountId, runId, firstBrokenSeq: broken.seq, reason: broken.reason }, 'Audit chain still broken');
    }
    return report;
  }

  /**
   * A newly found break, raised loudly: an error in the logs and an entry in the account's audit log
   * by the system actor. The entry is chained after the current head like any other; when even that
   * cannot be written (e.g. a forged entry holds the next seq), the status row already says it and the
   * banner shows it, and the failure is logged.
   */
  private async raiseBreak(accountId: string, runId: string, by: 'incremental' | 'full', b: Break): Promise<void> {
    this.logger.error({ accountId, runId, firstBrokenSeq: b.seq, reason: b.reason, by }, `AUDIT CHAIN BROKEN in account ${accountId} at entry #${b.seq}: ${b.reason}`);
    try {
      await this.cls.run(() =>
        this.txHost.withTransaction(() =>
          this.audit.record({
            accountId,
            action: 'audit_log_integrity_broken',
            actor: SYSTEM_ACTOR,
            target: { type: 'audit_verification', id: runId, label: 'Audit log integrity check' },
            parents: [],
            changes: [
              { field: 'firstBrokenSeq', before: null, after: b.seq },
              { field: 'reason', before: null, after: b.reason },
              { field: 'foundBy', before: null, after: by === 'full' ? 'full verification' : 'incremental verification' },
            ],
            context: { source: 'system' },
          }),
        ),
      );
    } catch (err) {
      this.logger.error({ accountId, runId, err }, `Could not write the integrity-broken entry for account ${accountId}`);
    }
  }

  /** Closes a run that could not finish (its job failed for good) as failed, if it is still open. */
  async failRun(runId: string, error: string): Promise<void> {
    const run = await this.repo().runById(runId);
    if (run && (run.status === 'queued' || run.status === 'running')) await this.repo().failRun(runId, error);
  }

  /** Queues the scheduled full verification of every account with entries (skipping those with one queued or running). */
  async scheduleFull(enqueue: (runId: string) => Promise<void>): Promise<number> {
    const repo = this.repo();
    let n = 0;
    for (const accountId of await repo.accountsWithEntries()) {
      const active = await repo.activeFullRun(accountId);
      if (active) {
        // Its job may be lost or failed for good (queueFullRun: never a second job); best effort, the other accounts go on.
        if (active.status === 'queued') await enqueue(active.id).catch(() => undefined);
        continue;
      }
      const id = uuidv7();
      try {
        await repo.insertRun({ id, accountId, kind: 'full', trigger: 'schedule', requestedBy: SYSTEM_ACTOR });
      } catch {
        continue; // another worker queued one meanwhile (one active run per account)
      }
      try {
        await enqueue(id);
      } catch (err) {
        await repo.failRun(id, 'The job queue (Redis) could not be reached; nothing was verified.');
        throw err;
      }
      n += 1;
    }
    return n;
  }
}
