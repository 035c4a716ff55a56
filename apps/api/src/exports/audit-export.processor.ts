import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { resolveAuditFilter } from '@keyledger/contract';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { ClsService } from 'nestjs-cls';
import { AUDIT_EXPORT_JOBS, QUEUES } from '../jobs/queues';
import { encodingOf } from './audit-export.format';
import { type AuditExportJobV1, ZAuditExportJobV1 } from './audit-export.job';
import { AuditExportMailer } from './audit-export.mailer';
import { AuditExportWriter } from './audit-export.writer';
import { AuditExportsRepository, type AuditExportRow } from './audit-exports.repository';
import { EXPORT_STORAGE, type ExportStorage, ExportStorageError, exportKey } from './storage/export-storage';

/** A job whose export row is not visible yet (its request has not committed) waits this long for it. */
const MISSING_ROW_GRACE_MS = 30_000;

export interface AuditExportJobResult {
  exportId: string;
  status: 'completed' | 'failed';
  rows?: number;
  sha256?: string;
}

export interface AuditExportProgress {
  rowsWritten: number;
  rowsTotalEstimate: number | null;
  percent: number;
}

/**
 * An error's message as the requester may read it: never the database's own words (they name tables,
 * columns and values), which go to the log only.
 */
export function publicCause(err: Error): string {
  const code = (err as { code?: unknown }).code;
  const fromDatabase =
    (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) || ['QueryFailedError', 'DatabaseError'].includes(err.name);
  if (fromDatabase) return `the database could not read the entries${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`;
  return err.message.slice(0, 300);
}

/** What the requester reads when an export fails for good: the cause, and what to do about it. */
export function failureMessage(err: Error, attempts: number, exportId: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  let cause: string;
  let todo = 'Try the export again; if it fails again, ask your Keyledger administrator';
  if (err instanceof ExportStorageError) {
    cause = `the export storage failed (${err.message})`;
    todo = 'Ask your Keyledger administrator to check the export storage (EXPORT_STORAGE_URL), then try again';
  } else if (code === 'ENOSPC' || code === 'EDQUOT') {
    cause = 'the export storage is full';
    todo = 'Try a narrower filter (a shorter date range), or ask your Keyledger administrator to free space in the export storage (EXPORTS_DIR)';
  } else if (code && ['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'EISDIR', 'ENOENT'].includes(code)) {
    cause = `the export storage cannot be written (${code})`;
    todo = 'Ask your Keyledger administrator to check the export storage (EXPORTS_DIR), then try again';
  } else if (code && /^(08|53|57)/.test(code)) {
    cause = 'the database was unavailable';
  } else {
    cause = publicCause(err);
  }
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  return `The export could not be completed${tries}: ${cause}. The audit log itself is unaffected. ${todo}, quoting export ${exportId}.`;
}

/**
 * Builds audit-log exports (queue `audit-exports`, job `build`): streams the entries into a file
 * under a temporary name, stores the manifest, then sends the one email. A retried or restarted job
 * (a worker killed mid-export) starts the file over and exports exactly the same entries. The job's
 * bookkeeping on audit_exports runs as the owner (a job has no principal); the entries themselves are
 * read behind row-level security, in the export's account (AuditExportWriter).
 */
@Processor(QUEUES.auditExports, { concurrency: 2 })
export class AuditExportProcessor extends WorkerHost {
  private readonly logger = new Logger(AuditExportProcessor.name);

  constructor(
    private readonly exportsRepo: AuditExportsRepository,
    private readonly writer: AuditExportWriter,
    private readonly mailer: AuditExportMailer,
    private readonly cls: ClsService,
    @Inject(EXPORT_STORAGE) private readonly storage: ExportStorage,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<AuditExportJobResult> {
    switch (job.name) {
      case AUDIT_EXPORT_JOBS.build:
        return this.cls.run(() => this.build(job, this.payload(job), token));
      default:
        throw new UnrecoverableError(`Unknown ${QUEUES.auditExports} job "${job.name}"`);
    }
  }

  private payload(job: Job): AuditExportJobV1 {
    const parsed = ZAuditExportJobV1.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Invalid ${QUEUES.auditExports} job payload: ${parsed.error.message}`);
    return parsed.data;
  }

  private async build(job: Job, { exportId }: AuditExportJobV1, token?: string): Promise<AuditExportJobResult> {
    const row = await this.exportsRepo.find(exportId);
    if (!row) {
      if (token && Date.now() - job.timestamp < MISSING_ROW_GRACE_MS) {
        await job.moveToDelayed(Date.now() + 250, token);
        throw new DelayedError();
      }
      throw new UnrecoverableError(`Export ${exportId} does not exist: the request that queued it did not complete`);
    }
    if (row.status === 'failed') return { exportId, status: 'failed' };
    // Done long ago and its file since deleted (retention): nothing to build or send again.
    if (row.status === 'expired') return { exportId, status: 'completed', rows: Number(row.rows_written) };
    if (row.status !== 'completed') {
      const running = await this.exportsRepo.markRunning(exportId);
      if (running) await this.export(job, running);
    }
    await this.mailer.sendReadyOnce(exportId);
    const done = await this.exportsRepo.find(exportId);
    return { exportId, status: 'completed', rows: Number(done?.rows_written ?? 0), sha256: done?.sha256 ?? undefined };
  }

  private async export(job: Job, row: AuditExportRow): Promise<void> {
    const resolved = resolveAuditFilter(row.filter);
    if (!resolved.ok) {
      throw new UnrecoverableError(`The export's filter is no longer valid: ${resolved.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    }
    const startedAt = Date.now();
    let estimate: number | null = null;
    const report = async (rowsWritten: number) => {
      const progress: AuditExportProgress = {
        rowsWritten,
        rowsTotalEstimate: estimate,
        percent: estimate ? Math.min(99, Math.floor((rowsWritten / estimate) * 100)) : 0,
      };
      await this.exportsRepo.progress(row.id, rowsWritten, estimate ?? undefined);
      // Progress in Redis is a convenience: a blip there must not fail the export.
      await job.updateProgress(progress).catch((err: Error) => this.logger.warn(`Export ${row.id}: progress not sent (${err.message})`));
    };

    const key = exportKey(row.account_id, row.id, encodingOf(row.format).extension);
    const upload = await this.storage.create(key);
    let result;
    try {
      result = await this.writer.write(
        {
          accountId: row.account_id,
          filter: resolved.value,
          format: row.format,
          pinSnapshot: (headSeq) => this.exportsRepo.pinSnapshot(row.id, headSeq),
          onStart: async (total) => {
            estimate = total;
            await report(0);
          },
          onProgress: report,
        },
        upload.stream,
      );
      await upload.commit();
    } catch (err) {
      await upload.abort().catch(() => undefined);
      throw err;
    }
    await this.exportsRepo.complete(row.id, {
      rows: result.rows,
      firstSeq: result.firstSeq,
      lastSeq: result.lastSeq,
      sizeBytes: result.sizeBytes,
      sha256: result.sha256,
      storageKey: key,
    });
    await job
      .updateProgress({ rowsWritten: result.rows, rowsTotalEstimate: result.rows, percent: 100 } satisfies AuditExportProgress)
      .catch(() => undefined);
    this.logger.log(
      {
        exportId: row.id,
        rows: result.rows,
        sizeBytes: result.sizeBytes,
        sha256: result.sha256,
        durationMs: Date.now() - startedAt,
        startRssBytes: result.startRssBytes,
        peakRssBytes: result.peakRssBytes,
      },
      `Export ${row.id} written: ${result.rows} entries`,
    );
  }

  /** After each failed attempt: back to queued while retries remain; failed (and the failure email) after the last. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, err: Error): Promise<void> {
    if (!job || job.name !== AUDIT_EXPORT_JOBS.build) return;
    const parsed = ZAuditExportJobV1.safeParse(job.data);
    if (!parsed.success) return;
    const { exportId } = parsed.data;
    const final = job.finishedOn !== undefined;
    try {
      await this.cls.run(async () => {
        if (!final) {
          this.logger.warn(`Export ${exportId}: attempt ${job.attemptsMade} failed (${err.message}); retrying`);
          await this.exportsRepo.requeue(exportId, `Attempt ${job.attemptsMade} failed: ${publicCause(err)}; retrying`);
          return;
        }
        this.logger.error({ exportId, err }, `Export ${exportId} failed for good`);
        const failed = await this.exportsRepo.fail(exportId, failureMessage(err, job.attemptsMade, exportId));
        if (failed) await this.mailer.sendFailedOnce(exportId);
      });
    } catch (e) {
      this.logger.error({ exportId, err: e }, `Export ${exportId}: could not record the failure`);
    }
  }
}
