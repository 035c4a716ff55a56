import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsService } from 'nestjs-cls';
import {
  type AuditAction,
  type AuditActor,
  type AuditContext,
  type AuditExportFormat,
  type FieldChange,
  type ItemRef,
  type Permission,
} from '@keyledger/contract';
import { RateLimiter } from '../auth/rate-limiter.service';
import { currentPrincipal, type RequestStore } from '../common/request-context';
import { AuditService } from './audit.service';

/** The actions a change to a log stream records. */
export type LogStreamAction = Extract<
  AuditAction,
  | 'log_stream_created'
  | 'log_stream_updated'
  | 'log_stream_paused'
  | 'log_stream_resumed'
  | 'log_stream_deleted'
  | 'log_stream_backfilled'
>;

/** A platform user as the security entries name them. */
export interface UserRef {
  id: string;
  accountId: string;
  name: string;
  email: string;
}

/** An API key as its entries name it (never its secret). */
export interface ApiKeyRef {
  id: string;
  accountId: string;
  name: string;
  hint: string;
  permissions: readonly Permission[];
}

/** How many failed sign-ins of one user, and refused requests of one actor, are recorded per window. */
export const FLOOD_BOUND = 10;
export const FLOOD_WINDOW_MS = 60 * 60_000;

export const userActor = (u: UserRef): AuditActor => ({
  type: 'platform_user',
  id: u.id,
  name: u.name,
  email: u.email,
});
export const userItem = (u: UserRef): ItemRef => ({
  type: 'platform_user',
  id: u.id,
  label: `${u.name} <${u.email}>`,
});
const keyItem = (k: { id: string; name: string }): ItemRef => ({
  type: 'api_key',
  id: k.id,
  label: k.name,
});
const exportItem = (id: string, format: AuditExportFormat): ItemRef => ({
  type: 'audit_export',
  id,
  label: `Audit log export (${format.toUpperCase()})`,
});
const set = (field: string, after: unknown): FieldChange => ({ field, before: null, after });

/**
 * The Access and security group of the audit log: sign-ins, sign-outs, passwords, sessions, API keys,
 * audit-log exports and refused requests. Every entry goes through AuditService.record, inside the
 * caller's transaction where the event has an effect (a session, a key, an export row); the events
 * without one (a failed sign-in, a refused request) open a transaction of their own. Those two are
 * bounded per user/actor and hour, so nobody can flood an account's log with them: after FLOOD_BOUND
 * entries in a window, one summary entry says that further ones are not recorded, and the rest only
 * reach the logs. Context (IP, user agent, request id) comes from the request context, as for every
 * other entry.
 */
@Injectable()
export class SecurityEvents {
  private readonly logger = new Logger('SecurityEvents');

  constructor(
    private readonly audit: AuditService,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly limiter: RateLimiter,
    private readonly cls: ClsService<RequestStore>,
  ) {}

  /** In the transaction that issues the session. */
  signedIn(user: UserRef): Promise<void> {
    return this.write(user.accountId, 'user_signed_in', userActor(user), userItem(user), [
      set('method', 'password'),
    ]);
  }

  /**
   * A wrong password for an existing user, in a transaction of its own (the answer stays 401).
   * Bounded: FLOOD_BOUND entries per user and window, then one summary entry, then logs only.
   */
  async signInFailed(user: UserRef): Promise<void> {
    const n = await this.limiter.take(`audit-bound:sign-in-failed:${user.id}`, FLOOD_WINDOW_MS);
    const changes = this.boundedChanges(
      n,
      [set('reason', 'wrong password')],
      'failed sign-ins of this user',
    );
    if (!changes) {
      this.logger.warn({
        event: 'sign_in_failed',
        userId: user.id,
        accountId: user.accountId,
        ip: this.ctx('ip'),
        recorded: false,
      });
      return;
    }
    await this.txHost.withTransaction(() =>
      this.write(user.accountId, 'user_sign_in_failed', userActor(user), userItem(user), changes),
    );
  }

  /** A failed sign-in that names no user: it belongs to no account, so it goes to the logs only. */
  signInFailedForUnknownEmail(): void {
    this.logger.warn({
      event: 'sign_in_failed_unknown_email',
      ip: this.ctx('ip'),
      userAgent: this.ctx('userAgent'),
    });
  }

  /** In the transaction that ends the session. */
  signedOut(user: UserRef): Promise<void> {
    return this.write(user.accountId, 'user_signed_out', userActor(user), userItem(user), [
      set('session', 'ended'),
    ]);
  }

  /**
   * A user's password was changed, by `by` (the signed-in caller when omitted; the user themselves for
   * a self-service change). In the transaction that stores the new hash. For every route that sets a password.
   */
  passwordChanged(user: UserRef, by?: AuditActor): Promise<void> {
    const actor = by ?? currentPrincipal()?.actor ?? userActor(user);
    return this.write(user.accountId, 'user_password_changed', actor, userItem(user), [
      { field: 'password', before: '[redacted]', after: '[redacted]' },
      set('changedBy', actor.id === user.id ? 'the user' : (actor.email ?? actor.name)),
    ]);
  }

  /**
   * `count` live sessions of the user were ended (user removed, password changed…), in that
   * transaction; nothing is recorded when there were none. For every path that ends sessions.
   */
  async sessionsRevoked(
    user: UserRef,
    count: number,
    reason: string,
    by?: AuditActor,
  ): Promise<void> {
    if (count <= 0) return;
    const actor = by ?? currentPrincipal()?.actor ?? userActor(user);
    await this.write(user.accountId, 'user_sessions_revoked', actor, userItem(user), [
      { field: 'sessionsEnded', before: null, after: count },
      set('reason', reason),
    ]);
  }

  /** In the transaction that inserts the key; its name, permissions and hint, never the secret. */
  apiKeyCreated(key: ApiKeyRef): Promise<void> {
    return this.write(key.accountId, 'api_key_created', this.principalActor(), keyItem(key), [
      set('name', key.name),
      set('permissions', [...key.permissions]),
      set('hint', key.hint),
      set('secret', '[redacted]'),
    ]);
  }

  /** In the transaction that revokes the key. */
  apiKeyRevoked(key: ApiKeyRef, revokedAt: Date): Promise<void> {
    return this.write(key.accountId, 'api_key_revoked', this.principalActor(), keyItem(key), [
      { field: 'revokedAt', before: null, after: revokedAt.toISOString() },
      set('permissions', [...key.permissions]),
    ]);
  }

  /** In the transaction that inserts the export row; the filter as the export email words it. */
  exportRequested(
    accountId: string,
    exportId: string,
    format: AuditExportFormat,
    filterInWords: string,
  ): Promise<void> {
    return this.write(
      accountId,
      'audit_log_export_requested',
      this.principalActor(),
      exportItem(exportId, format),
      [set('format', format), set('filter', filterInWords)],
    );
  }

  /**
   * A download by link, before the file is sent (an entry that cannot be written means no download).
   * `actor` is the signed-in user of the account when the request carries their session, else the
   * export's requester, to whom the link was mailed.
   */
  async exportDownloaded(
    accountId: string,
    exportId: string,
    format: AuditExportFormat,
    actor: AuditActor,
    via: 'session' | 'link',
  ): Promise<void> {
    await this.txHost.withTransaction(() =>
      this.write(accountId, 'audit_log_export_downloaded', actor, exportItem(exportId, format), [
        set('format', format),
        set('via', via === 'session' ? 'download link, signed in' : 'download link, not signed in'),
      ]),
    );
  }

  /**
   * A mutation refused for lack of a permission (the auth guard's 403), in a transaction of its own.
   * The target is the actor itself (the user or the key). Bounded per actor and window like failed sign-ins.
   */
  async permissionDenied(
    accountId: string,
    actor: AuditActor,
    route: string,
    permission: Permission,
  ): Promise<void> {
    if (!actor.id) return;
    const n = await this.limiter.take(
      `audit-bound:permission-denied:${actor.type}:${actor.id}`,
      FLOOD_WINDOW_MS,
    );
    const changes = this.boundedChanges(
      n,
      [set('route', route), set('permission', permission)],
      'refused requests of this actor',
    );
    if (!changes) {
      this.logger.warn({
        event: 'permission_denied',
        accountId,
        actorType: actor.type,
        actorId: actor.id,
        route,
        permission,
        recorded: false,
      });
      return;
    }
    const target: ItemRef =
      actor.type === 'api_key'
        ? { type: 'api_key', id: actor.id, label: actor.name }
        : {
            type: 'platform_user',
            id: actor.id,
            label: actor.email ? `${actor.name} <${actor.email}>` : actor.name,
          };
    await this.txHost.withTransaction(() =>
      this.write(accountId, 'permission_denied', actor, target, changes),
    );
  }

  /**
   * A change to a log stream (created, updated, paused, resumed, deleted, backfilled), in the transaction
   * that makes it. `changes` never hold a secret's value: the caller writes '[redacted]' for them.
   */
  logStreamChanged(
    action: LogStreamAction,
    stream: { id: string; accountId: string; name: string },
    changes: FieldChange[],
  ): Promise<void> {
    return this.write(
      stream.accountId,
      action,
      this.principalActor(),
      { type: 'log_stream', id: stream.id, label: stream.name },
      changes,
    );
  }

  /** The nth event of a bounded kind: its changes, the summary's at n = bound + 1, and null after. */
  private boundedChanges(n: number, changes: FieldChange[], what: string): FieldChange[] | null {
    if (n <= FLOOD_BOUND) return changes;
    if (n > FLOOD_BOUND + 1) return null;
    const minutes = Math.round(FLOOD_WINDOW_MS / 60_000);
    return [
      ...changes,
      set(
        'suppressed',
        `more than ${FLOOD_BOUND} ${what} within ${minutes} minutes: further ones are not recorded in this window`,
      ),
    ];
  }

  private ctx(key: 'ip' | 'userAgent'): string | undefined {
    return this.cls.isActive() ? this.cls.get(key) : undefined;
  }

  private principalActor(): AuditActor {
    const p = currentPrincipal();
    if (!p)
      throw new Error(
        'SecurityEvents: this event needs a signed-in principal in the request context',
      );
    return p.actor;
  }

  private async write(
    accountId: string,
    action: AuditAction,
    actor: AuditActor,
    target: ItemRef,
    changes: FieldChange[],
  ): Promise<void> {
    const source: AuditContext['source'] =
      currentPrincipal()?.source ?? (actor.type === 'api_key' ? 'api' : 'ui');
    await this.audit.record({
      accountId,
      action,
      actor,
      target,
      parents: [],
      changes,
      context: { ip: this.ctx('ip') ?? null, userAgent: this.ctx('userAgent') ?? null, source },
    });
  }
}
