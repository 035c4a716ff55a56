import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { ENV, type Env } from '../config/env';
import { MAINTENANCE_JOBS, QUEUES } from '../jobs/queues';
import { AuditExportsRepository } from './audit-exports.repository';
import { EXPORT_STORAGE, type ExportStorage } from './storage/export-storage';

const BATCH = 200;

/**
 * Deletes export files older than EXPORT_RETENTION. The export's row stays (status `expired`, its
 * manifest and requester kept) and its link answers 410; the audit log itself is never touched.
 * The file goes first and the row after, so a worker killed in between leaves a row the next run
 * finishes (removing a file already gone is not an error).
 */
@Injectable()
export class AuditExportRetention {
  private readonly logger = new Logger(AuditExportRetention.name);

  constructor(
    private readonly exportsRepo: AuditExportsRepository,
    @Inject(EXPORT_STORAGE) private readonly storage: ExportStorage,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** Expires every export due; returns how many. */
  async expireDue(): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.exportsRepo.dueForExpiry(this.env.EXPORT_RETENTION, BATCH);
      for (const row of due) {
        if (row.storage_key) await this.storage.remove(row.storage_key);
        if (await this.exportsRepo.markExpired(row.id)) expired++;
      }
      if (due.length < BATCH) break;
    }
    if (expired) this.logger.log(`Deleted the files of ${expired} export(s) older than ${this.env.EXPORT_RETENTION} s`);
    return expired;
  }
}

/** Schedules `expire-exports` on the maintenance queue when a worker starts (BullMQ keeps one schedule). */
@Injectable()
export class AuditExportRetentionScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.maintenance) private readonly queue: Queue,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Hourly, or more often when the retention itself is shorter (at least once a minute apart).
    const every = Math.max(60, Math.min(3600, this.env.EXPORT_RETENTION)) * 1000;
    await this.queue.upsertJobScheduler(
      MAINTENANCE_JOBS.expireExports,
      { every },
      { name: MAINTENANCE_JOBS.expireExports, data: { v: 1 }, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
