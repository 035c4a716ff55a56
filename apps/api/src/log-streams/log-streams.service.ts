import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import {
  type AuditLogFilter,
  type BackfillLogStreamBody,
  type CreateLogStreamBody,
  type FieldChange,
  LOG_STREAM_BATCH_FORMAT,
  type LogStreamDestinationType,
  ZLogStreamDestinationInput,
  type LogStream,
  type LogStreamBatch,
  type LogStreamHealth,
  type LogStreamTestResult,
  type UpdateLogStreamBody,
} from '@keyledger/contract';
import { GENESIS_HASH } from '@keyledger/verify';
import { AuditStore } from '../audit/audit.store';
import { resolveOrThrow } from '../audit/audit-filter';
import { SecurityEvents } from '../audit/security-events.service';
import { RateLimiter } from '../auth/rate-limiter.service';
import { ENV, type Env } from '../config/env';
import { type CreatedCursor, decodeCursor, encodeCursor, isCreatedCursor } from '../common/cursor';
import { badRequest, conflict, forbidden, notFound } from '../common/errors';
import { uuidv7 } from '../common/ids';
import { type Page } from '../common/keyset';
import { currentAccountId, requirePrincipal } from '../common/request-context';
import { assertPublicDestination, DestinationRefused } from './destination-guard';
import { filterInWords, toAttemptDto, toLogStreamDto } from './log-streams.mapper';
import { type LogStreamRow, LogStreamsRepository } from './log-streams.repository';
import { LogStreamSecretBox } from './secret-box';
import {
  auditValue,
  DESTINATION_SETTINGS,
  type DestinationConfig,
  destinationCreatedChanges,
  destinationUrls,
  secretField,
  splitDestination,
} from './destinations';
import { LogStreamSenders } from './log-stream-senders';

const set = (field: string, after: unknown): FieldChange => ({ field, before: null, after });

/** Where a deleted stream was sending (its audit entry names it): the URL, Datadog site or S3 bucket. */
function destinationWhere(type: LogStreamDestinationType, config: DestinationConfig): FieldChange[] {
  const c = config as unknown as Record<string, unknown>;
  if (type === 'webhook') return [set('destination.url', c.url)];
  return [
    set('destination.type', type),
    ...(type === 'splunk_hec' ? [set('destination.url', c.url)] : []),
    ...(type === 'datadog' ? [set('destination.site', c.site)] : []),
    ...(type === 's3' ? [set('destination.bucket', c.bucket), ...(c.endpoint ? [set('destination.endpoint', c.endpoint)] : [])] : []),
  ];
}
const REDACTED = '[redacted]';

/**
 * Where a destination sends its secret in clear (Splunk HEC: `Authorization: Splunk <token>` to the
 * URL's origin), or null when the secret never leaves (a webhook signs with it; S3 signs with it; a
 * Datadog key only goes to Datadog's own sites).
 */
function secretSentTo(type: LogStreamDestinationType, config: Record<string, unknown>): string | null {
  if (type !== 'splunk_hec' || typeof config.url !== 'string') return null;
  try {
    return new URL(config.url).origin;
  } catch {
    return null;
  }
}

/** Settings > Log streams: every change in a transaction of its own, with its audit entry (secrets redacted). */
@Injectable()
export class LogStreamsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly repo: LogStreamsRepository,
    private readonly security: SecurityEvents,
    private readonly secrets: LogStreamSecretBox,
    private readonly senders: LogStreamSenders,
    private readonly limiter: RateLimiter,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private chain() {
    const tx = this.txHost.tx;
    return new AuditStore((sql, params) => tx.query(sql, params));
  }

  async list(query: { limit: number; cursor?: string }): Promise<Page<LogStream>> {
    const cursor = decodeCursor<CreatedCursor>(query.cursor, isCreatedCursor);
    const rows = await this.repo.list(currentAccountId(), query.limit + 1, cursor ?? undefined);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toLogStreamDto),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ t: last.created_at.toISOString(), id: last.id })
          : null,
    };
  }

  async get(id: string): Promise<LogStream> {
    return toLogStreamDto(await this.mustFind(id));
  }

  async create(body: CreateLogStreamBody): Promise<LogStream> {
    const principal = requirePrincipal();
    assertReadsTheLog();
    resolveOrThrow(body.filter, 'body.filter');
    const dest = splitDestination(body.destination);
    await this.assertDestinationUrls(body.destination.type, dest.config);
    const id = uuidv7();
    const row = await this.txHost.withTransaction(async () => {
      // At most LOG_STREAM_MAX_PER_ACCOUNT: each stream costs the workers a delivery per pass, and a
      // destination that answers slowly costs them up to LOG_STREAM_TIMEOUT_MS. Counted under a lock
      // per account, so two creations at once cannot both take the last place.
      const tx = this.txHost.tx;
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('keyledger:log_streams:' || $1))`, [principal.accountId]);
      const [{ n }] = (await tx.query('SELECT count(*)::int AS n FROM log_streams WHERE account_id = $1', [principal.accountId])) as [{ n: number }];
      if (n >= this.env.LOG_STREAM_MAX_PER_ACCOUNT) {
        throw conflict(`An account has at most ${this.env.LOG_STREAM_MAX_PER_ACCOUNT} log streams; delete one first`);
      }
      const head = (await this.chain().head(principal.accountId))?.seq ?? 0;
      const created = await this.repo.insert({
        id,
        account_id: principal.accountId,
        name: body.name,
        destination_type: body.destination.type,
        config: dest.config,
        secrets_encrypted: this.secrets.seal(id, { [dest.secretName]: dest.secret }),
        secret_names: [dest.secretName],
        filter: body.filter,
        start_point: body.startPoint,
        // "now": from the next entry on, this stream's own creation entry included.
        delivered_through_seq: body.startPoint === 'now' ? head : 0,
        created_by_type: principal.actor.type,
        created_by_id: principal.actor.id,
        created_by_name: principal.actor.name,
      });
      await this.security.logStreamChanged(
        'log_stream_created',
        { id, accountId: principal.accountId, name: body.name },
        [
          set('name', body.name),
          ...destinationCreatedChanges(body.destination.type, dest.config, REDACTED),
          set('filter', filterInWords(body.filter)),
          set('startPoint', body.startPoint),
        ],
      );
      return created;
    });
    return toLogStreamDto(row);
  }

  async update(id: string, body: UpdateLogStreamBody): Promise<LogStream> {
    assertReadsTheLog();
    if (body.filter) resolveOrThrow(body.filter, 'body.filter');
    const row = await this.txHost.withTransaction(async () => {
      const current = await this.mustFind(id, true);
      const changes: FieldChange[] = [];
      const fields: Parameters<LogStreamsRepository['update']>[1] = {};
      if (body.name !== undefined && body.name !== current.name) {
        changes.push({ field: 'name', before: current.name, after: body.name });
        fields.name = body.name;
      }
      if (body.destination !== undefined) {
        const type = current.destination_type;
        const patch = body.destination as Record<string, unknown>;
        const secretName = secretField(type);
        const allowed = new Set([...DESTINATION_SETTINGS[type], secretName]);
        const foreign = Object.keys(patch).filter((k) => !allowed.has(k));
        if (foreign.length > 0) {
          throw badRequest(
            `body.destination.${foreign[0]}: not a setting of a ${type} destination`,
            foreign.map((k) => ({
              path: `body.destination.${k}`,
              message: `not a setting of a ${type} destination (the type of a stream's destination does not change: create another stream)`,
            })),
          );
        }
        const before = current.config as unknown as Record<string, unknown>;
        const merged: Record<string, unknown> = { ...before };
        for (const key of DESTINATION_SETTINGS[type]) {
          if (!(key in patch)) continue;
          if (patch[key] === null) delete merged[key];
          else merged[key] = patch[key];
        }
        // The whole destination must still be valid (checked as a new one would be, the secret aside).
        const placeholder = type === 'webhook' ? `whsec_${'A'.repeat(32)}` : 'x'.repeat(64);
        const whole = ZLogStreamDestinationInput.safeParse({ ...merged, type, [secretName]: placeholder });
        if (!whole.success) {
          const issue = whole.error.issues[0]!;
          const path = `body.destination.${issue.path.join('.')}`;
          throw badRequest(`${path}: ${issue.message}`, [{ path, message: issue.message }]);
        }
        const config = splitDestination(whole.data).config;
        const after = config as unknown as Record<string, unknown>;
        // A secret sent as is (the HEC token in Authorization) goes only where it was given for: pointing
        // the stream at another host without a new one would hand the stored token to that host.
        const movedTo = secretSentTo(type, after);
        if (movedTo && movedTo !== secretSentTo(type, before) && typeof patch[secretName] !== 'string') {
          const path = `body.destination.${secretName}`;
          const message = `a new ${secretName} is needed to send to another host (the stored one is not sent to ${movedTo})`;
          throw badRequest(`${path}: ${message}`, [{ path, message }]);
        }
        for (const key of DESTINATION_SETTINGS[type]) {
          if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
            changes.push({ field: `destination.${key}`, before: auditValue(before[key]), after: auditValue(after[key]) });
          }
        }
        if (changes.some((c) => c.field.startsWith('destination.'))) {
          await this.assertDestinationUrls(type, config, (f) => f in patch);
          fields.config = config;
        }
        if (typeof patch[secretName] === 'string') {
          changes.push({ field: `destination.${secretName}`, before: REDACTED, after: REDACTED });
          fields.secrets_encrypted = this.secrets.seal(id, {
            ...this.secrets.open(id, current.secrets_encrypted),
            [secretName]: patch[secretName] as string,
          });
        }
      }
      if (
        body.filter !== undefined &&
        JSON.stringify(body.filter) !== JSON.stringify(current.filter)
      ) {
        changes.push({
          field: 'filter',
          before: filterInWords(current.filter),
          after: filterInWords(body.filter),
        });
        fields.filter = body.filter as AuditLogFilter;
      }
      if (changes.length === 0) return current;
      const updated = await this.repo.update(id, fields);
      await this.security.logStreamChanged('log_stream_updated', this.ref(updated), changes);
      return updated;
    });
    return toLogStreamDto(row);
  }

  async pause(id: string): Promise<LogStream> {
    return this.setStatus(id, 'paused');
  }

  async resume(id: string): Promise<LogStream> {
    assertReadsTheLog();
    return this.setStatus(id, 'active');
  }

  private async setStatus(id: string, to: 'active' | 'paused'): Promise<LogStream> {
    const row = await this.txHost.withTransaction(async () => {
      const current = await this.mustFind(id, true);
      if (to === 'paused' && current.status === 'paused')
        throw conflict('This log stream is already paused');
      if (to === 'active' && current.status !== 'paused')
        throw conflict('This log stream is not paused');
      const updated = await this.repo.update(id, { status: to });
      await this.security.logStreamChanged(
        to === 'paused' ? 'log_stream_paused' : 'log_stream_resumed',
        this.ref(updated),
        [
          { field: 'status', before: current.status, after: to },
          {
            field: 'deliveredThroughSeq',
            before: Number(current.delivered_through_seq),
            after: Number(updated.delivered_through_seq),
          },
        ],
      );
      return updated;
    });
    return toLogStreamDto(row);
  }

  async remove(id: string): Promise<void> {
    await this.txHost.withTransaction(async () => {
      const current = await this.mustFind(id, true);
      await this.repo.remove(id);
      await this.security.logStreamChanged('log_stream_deleted', this.ref(current), [
        set('deletedAt', new Date().toISOString()),
        ...destinationWhere(current.destination_type, current.config),
        set('deliveredThroughSeq', Number(current.delivered_through_seq)),
      ]);
    });
  }

  /** Deliver again from a seq or a date: moves the cursor back (never forward), in one audited change. */
  async backfill(id: string, body: BackfillLogStreamBody): Promise<LogStream> {
    assertReadsTheLog();
    const row = await this.txHost.withTransaction(async () => {
      const current = await this.mustFind(id, true);
      const chain = this.chain();
      const head = (await chain.head(current.account_id))?.seq ?? 0;
      let fromSeq: number;
      if (body.fromSeq !== undefined) {
        if (body.fromSeq > head)
          throw badRequest(`fromSeq: the log ends at entry #${head}`, [
            { path: 'body.fromSeq', message: `the log ends at entry #${head}` },
          ]);
        fromSeq = body.fromSeq;
      } else {
        const found = await chain.firstSeqAtOrAfter(current.account_id, new Date(body.from!));
        if (found === null)
          throw badRequest('from: no entry was written at or after this instant', [
            { path: 'body.from', message: 'no entry was written at or after this instant' },
          ]);
        fromSeq = found;
      }
      const delivered = Number(current.delivered_through_seq);
      if (fromSeq - 1 >= delivered) {
        throw conflict(
          `This stream has delivered only through entry #${delivered}: entry #${fromSeq} is still to come, there is nothing to deliver again`,
        );
      }
      const updated = await this.repo.update(id, { delivered_through_seq: fromSeq - 1 });
      await this.security.logStreamChanged('log_stream_backfilled', this.ref(updated), [
        { field: 'deliveredThroughSeq', before: delivered, after: fromSeq - 1 },
        set('fromSeq', fromSeq),
        ...(body.from ? [set('from', body.from)] : []),
      ]);
      return updated;
    });
    return toLogStreamDto(row);
  }

  /** A signed batch without entries (batchId test_…), sent now; what the destination answered. Not an audit entry: nothing changes, no entry leaves. */
  async testEvent(id: string): Promise<LogStreamTestResult> {
    const row = await this.mustFind(id);
    // Each test event is a request this server makes to an address the caller chose: bounded per
    // account (all API processes together), so it cannot be used to hammer or scan a host.
    await this.limiter.hit(`log-stream-test:${row.account_id}`, this.env.LOG_STREAM_TEST_EVENTS_PER_MINUTE, 60_000, 'test events from this account');
    const checkpointRow = await this.chain().latestCheckpoint(row.account_id);
    const delivered = Number(row.delivered_through_seq);
    const batch: LogStreamBatch & { test: true } = {
      format: LOG_STREAM_BATCH_FORMAT,
      test: true,
      streamId: row.id,
      accountId: row.account_id,
      batchId: `test_${uuidv7()}`,
      firstSeq: delivered + 1,
      lastSeq: delivered,
      prevHash:
        (delivered > 0 ? await this.chain().hashAt(row.account_id, delivered) : null) ??
        GENESIS_HASH,
      filtered: Object.keys(row.filter).length > 0,
      checkpoint: checkpointRow
        ? {
            accountId: checkpointRow.account_id,
            seq: Number(checkpointRow.seq),
            hash: checkpointRow.hash,
            at: checkpointRow.at.toISOString(),
            keyId: checkpointRow.key_id,
            signature: checkpointRow.signature,
          }
        : null,
      entries: [],
    };
    const secret = this.secrets.open(row.id, row.secrets_encrypted)[secretField(row.destination_type)] ?? '';
    const { entries: _none, ...head } = batch;
    const sender = this.senders.for(row.destination_type);
    const target = { streamId: row.id, accountId: row.account_id, config: row.config, secret };
    const r =
      sender.reads === 'joined'
        ? await sender.send(target, { head, count: 0, joined: Buffer.alloc(0) })
        : await sender.send(target, { head, entries: [], entryJson: [] });
    return { ok: r.ok, statusCode: r.statusCode, durationMs: r.durationMs, error: r.error };
  }

  async health(id: string): Promise<LogStreamHealth> {
    const row = await this.mustFind(id);
    const chain = this.chain();
    const head = (await chain.head(row.account_id))?.seq ?? 0;
    const delivered = Number(row.delivered_through_seq);
    const oldest = delivered < head ? await chain.occurredAt(row.account_id, delivered + 1) : null;
    const attempts = await this.repo.attempts(id);
    return {
      streamId: row.id,
      status: row.status,
      deliveredThroughSeq: delivered,
      headSeq: head,
      lagEntries: Math.max(0, head - delivered),
      lagSeconds: oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0,
      lastSuccessAt: row.last_success_at?.toISOString() ?? null,
      lastError: row.last_error_at
        ? {
            at: row.last_error_at.toISOString(),
            statusCode: row.last_error_status,
            message: row.last_error ?? '',
          }
        : null,
      consecutiveFailures: row.consecutive_failures,
      nextAttemptAt: row.status === 'paused' ? null : row.next_attempt_at.toISOString(),
      attempts: attempts.map(toAttemptDto),
    };
  }

  private ref(r: LogStreamRow) {
    return { id: r.id, accountId: r.account_id, name: r.name };
  }

  private async mustFind(id: string, forUpdate = false): Promise<LogStreamRow> {
    const row = await this.repo.find(currentAccountId(), id, forUpdate);
    if (!row) throw notFound('Log stream');
    return row;
  }

  /** 400 naming the field when a URL the destination dials is (or resolves to) a private address and those are not allowed. */
  private async assertDestinationUrls(
    type: LogStreamDestinationType,
    config: DestinationConfig,
    only: (field: string) => boolean = () => true,
  ): Promise<void> {
    for (const { field, url } of destinationUrls(type, config)) {
      if (!only(field)) continue;
      const path = `body.destination.${field}`;
      try {
        await assertPublicDestination(url, this.env.LOG_STREAM_ALLOW_PRIVATE_NETWORKS);
      } catch (err) {
        if (!(err instanceof DestinationRefused)) throw err;
        throw badRequest(`${path}: ${err.message}`, [{ path, message: err.message }]);
      }
    }
  }
}

/**
 * A stream sends the audit log out: whoever starts one, points it elsewhere, resumes it or has it send
 * again must be allowed to read the log themselves (settings:log_streams alone would let a holder
 * without audit_log:read receive the whole log at an address of their choosing).
 */
function assertReadsTheLog(): void {
  if (!requirePrincipal().permissions.has('audit_log:read')) {
    throw forbidden('You need the audit_log:read permission too: a log stream sends the audit log out');
  }
}
