import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type AuditActor, type AuditExport, type AuditExportCreated, auditExportsContract, type CreateAuditExportBody, describeAuditFilter } from '@keyledger/contract';
import { type Queue } from 'bullmq';
import { AccountsService } from '../accounts/accounts.service';
import { resolveOrThrow } from '../audit/audit-filter';
import { SecurityEvents } from '../audit/security-events.service';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuthService } from '../auth/auth.service';
import { type CreatedCursor, decodeCursor, encodeCursor, isCreatedCursor } from '../common/cursor';
import { ENV, type Env } from '../config/env';
import { ApiError, forbidden, notFound, serviceUnavailable, tooManyRequests } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { currentAccountId, requirePrincipal } from '../common/request-context';
import { AUDIT_EXPORT_JOBS, QUEUES } from '../jobs/queues';
import { encodingOf } from './audit-export.format';
import { AUDIT_EXPORT_JOB_OPTIONS, type AuditExportJobV1 } from './audit-export.job';
import { exportFileName, toAuditExportDto } from './audit-export.mapper';
import { AuditExportsRepository } from './audit-exports.repository';
import { ExportLinkSigner } from './export-link.signer';
import { EXPORT_STORAGE, type ExportStorage, type StoredExport } from './storage/export-storage';

/** What a download needs of whoever it counts as: the same permission as making an export. */
const EXPORT_PERMISSION = auditExportsContract.create.metadata.permission;

/** How long a request waits for Redis before answering 503. */
const ENQUEUE_TIMEOUT_MS = 2000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** `7 days`, `12 hours`, `90 seconds`: a retention period in words. */
export function durationInWords(seconds: number): string {
  const [n, unit] = seconds % 86400 === 0 ? [seconds / 86400, 'day'] : seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

export interface ExportDownload {
  file: StoredExport;
  fileName: string;
  contentType: string;
  sha256: string | null;
}

@Injectable()
export class AuditExportsService {
  private readonly logger = new Logger(AuditExportsService.name);

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly exportsRepo: AuditExportsRepository,
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
    private readonly signer: ExportLinkSigner,
    private readonly security: SecurityEvents,
    private readonly apiKeys: ApiKeysService,
    @InjectQueue(QUEUES.auditExports) private readonly queue: Queue<AuditExportJobV1>,
    @Inject(EXPORT_STORAGE) private readonly storage: ExportStorage,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /**
   * Records the export and queues its job in one transaction: the row commits only once the job is
   * in Redis, and a failed enqueue rolls the row back, so nothing is left half-created.
   */
  async create(body: CreateAuditExportBody): Promise<AuditExportCreated> {
    const principal = requirePrincipal();
    const filter = resolveOrThrow(body.filter, 'body.filter');
    const id = uuidv7();
    await this.txHost.withTransaction(async () => {
      await this.assertBelowActiveLimit(principal.accountId);
      await this.exportsRepo.insert({ id, accountId: principal.accountId, requestedBy: principal.actor, format: body.format, filter: body.filter });
      await this.security.exportRequested(principal.accountId, id, body.format, describeAuditFilter(filter));
      await this.enqueue(id);
    });
    return { id, status: 'queued' };
  }

  /** At most EXPORT_MAX_ACTIVE_PER_ACCOUNT queued or running per account; counted under the account's lock until COMMIT. */
  private async assertBelowActiveLimit(accountId: string): Promise<void> {
    const active = await this.exportsRepo.lockAndCountActive(accountId);
    const max = this.env.EXPORT_MAX_ACTIVE_PER_ACCOUNT;
    if (active >= max) {
      throw tooManyRequests(
        `This account already has ${active} export${active === 1 ? '' : 's'} queued or running (at most ${max} at once): ` +
          'wait until one is done (Settings > Audit logs > Exports; its link is also emailed), then ask again',
        30,
      );
    }
  }

  private async enqueue(exportId: string): Promise<void> {
    try {
      // Until Redis has answered once, BullMQ waits for it; don't let a request wait with it.
      const client = await within(this.queue.client, ENQUEUE_TIMEOUT_MS, 'Redis');
      if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
      await within(
        this.queue.add(AUDIT_EXPORT_JOBS.build, { v: 1, exportId }, { ...AUDIT_EXPORT_JOB_OPTIONS, jobId: exportId }),
        ENQUEUE_TIMEOUT_MS,
        'Redis',
      );
    } catch (err) {
      this.logger.warn(`Export ${exportId} not queued: ${(err as Error).message}`);
      throw serviceUnavailable(
        'Exports are unavailable right now: the job queue (Redis) cannot be reached. Nothing was created; try again in a minute.',
      );
    }
  }

  async list(query: { limit: number; cursor?: string }): Promise<{ items: AuditExport[]; nextCursor: string | null }> {
    const accountId = currentAccountId();
    const cursor = decodeCursor<CreatedCursor>(query.cursor, isCreatedCursor);
    const rows = await this.exportsRepo.listInAccount(accountId, query.limit + 1, cursor);
    const page = rows.slice(0, query.limit);
    const slug = await this.slugOf(accountId);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => toAuditExportDto(r, slug, this.signer)),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ t: last.created_at.toISOString(), id: last.id }) : null,
    };
  }

  async get(id: string): Promise<AuditExport> {
    const accountId = currentAccountId();
    const row = await this.exportsRepo.findInAccount(accountId, id);
    if (!row) throw notFound('Export');
    return toAuditExportDto(row, await this.slugOf(accountId), this.signer);
  }

  /**
   * The file behind a signed link. The token, not a session, authorises it (it arrives by email);
   * a session of another account still gets 404, as it would for any of that account's items.
   * Each download is an audit entry (written before the file is sent): by the signed-in user of the
   * account when the request carries their session, else by the requester the link was mailed to.
   *
   * Whatever the storage, the bytes are streamed from it through here (never a presigned S3 URL): a
   * presigned URL is a bearer credential the store honours until it expires, for anyone holding it, with
   * no `audit_log:export` check at download time and no audit entry of the access; S3's own access logs
   * are not the account's audit log. Streaming keeps every download checked and recorded, and the bucket
   * private (it need not be reachable from users' browsers at all).
   */
  async openDownload(id: string, token: string, sessionToken: string | undefined): Promise<ExportDownload> {
    const check = this.signer.verify(id, token);
    if (!check.ok) {
      throw forbidden('This download link is not valid: use the link from the email, or open the export in Keyledger for a new one');
    }
    const row = await this.exportsRepo.findInAccount(check.claims.accountId, id);
    if (!row) throw notFound('Export');
    let downloader: AuditActor = {
      type: row.requested_by_type,
      id: row.requested_by_id,
      name: row.requested_by_name,
      email: row.requested_by_email,
    };
    let via: 'session' | 'link' = 'link';
    if (sessionToken) {
      const session = await this.auth.resolve(sessionToken);
      if (session && session.account.id !== row.account_id) throw notFound('Export');
      if (session) {
        downloader = { type: 'platform_user', id: session.user.id, name: session.user.name, email: session.user.email };
        via = 'session';
      }
    }
    // The link carries no rights of its own: whoever it counts as (the signed-in user, else the requester
    // it was mailed to) must still be allowed to export the audit log now.
    const holds = await this.apiKeys.heldNow(row.account_id, downloader);
    if (!holds?.has(EXPORT_PERMISSION)) {
      throw forbidden(
        via === 'session'
          ? `You need the ${EXPORT_PERMISSION} permission to download an export`
          : `This link was made for ${downloader.name}, who can no longer export the audit log (${EXPORT_PERMISSION}); sign in and open the export, or ask for a new one`,
      );
    }
    // Before the link's own expiry: a new link would not help, the file is gone.
    if (row.status === 'expired') {
      throw new ApiError(
        HttpStatus.GONE,
        `The file of this export was deleted ${durationInWords(this.env.EXPORT_RETENTION)} after it was made (the retention period); ` +
          'the audit log itself is kept: export it again from Settings > Audit logs',
      );
    }
    if (check.claims.expiresAt.getTime() <= Date.now()) {
      throw new ApiError(
        HttpStatus.GONE,
        'This download link has expired: open the export in Keyledger (Settings > Audit logs > Exports) for a new link',
      );
    }
    if (row.status !== 'completed' || !row.storage_key) throw notFound('Export file');
    const file = await this.storage.open(row.storage_key);
    if (!file) throw new ApiError(HttpStatus.GONE, 'The file of this export is no longer kept: export the audit log again');
    try {
      await this.security.exportDownloaded(row.account_id, row.id, row.format, downloader, via);
    } catch (err) {
      file.stream.destroy();
      throw err;
    }
    return {
      file,
      fileName: exportFileName(await this.slugOf(row.account_id), row),
      contentType: encodingOf(row.format).contentType,
      sha256: row.sha256,
    };
  }

  private async slugOf(accountId: string): Promise<string> {
    return (await this.accounts.get(accountId))?.slug ?? 'account';
  }
}
