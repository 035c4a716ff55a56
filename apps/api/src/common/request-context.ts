/**
 * What a request (or a job) carries implicitly: who acts, in which account, the request's id. Stored
 * in nestjs-cls (AsyncLocalStorage), never passed through signatures. (The audit change recorder is
 * kept beside it by audit/recorder-context.ts.)
 */
import { ClsServiceManager, type ClsStore } from 'nestjs-cls';
import { type AuditActor, type AuditContext, type Permission } from '@keyledger/contract';

export interface Principal {
  accountId: string;
  actor: AuditActor;
  userId: string | null;
  sessionId: string | null;
  permissions: ReadonlySet<Permission>;
  source: AuditContext['source'];
}

/** An audit entry a request committed, not sealed yet (audit/seal-signal.ts's Recorded). */
export interface SealingNote {
  accountId: string;
  pos: string;
  committed?: number;
}

export interface RequestStore extends ClsStore {
  principal?: Principal;
  ip?: string;
  userAgent?: string;
  /** The caller's validated x-request-id: in logs beside ours, never in an audit entry. */
  clientRequestId?: string;
  /** A clock override, used by the demo seed to replay history at past dates. */
  now?: Date;
  /** A password hashed before the request's transaction opened (see AuditedOptions.hashesPassword). */
  prehashed?: { password: string; hash: string };
  /**
   * What the request has done so far, as one object set when the request's context opens: nested
   * contexts (every `txHost.withTransaction` runs in a shallow copy of the store) share it, so what a
   * transaction notes is still there after it returns.
   */
  progress?: { committed: boolean; sealing?: SealingNote[] };
}

function cls() {
  return ClsServiceManager.getClsService<RequestStore>();
}

export function currentRequestId(): string | undefined {
  const c = cls();
  return c.isActive() ? c.getId() : undefined;
}

export function currentClientRequestId(): string | undefined {
  const c = cls();
  return c.isActive() ? c.get('clientRequestId') : undefined;
}

export function currentPrincipal(): Principal | undefined {
  const c = cls();
  return c.isActive() ? c.get('principal') : undefined;
}

/** The caller's principal; throws when a route that needs one has none (a programming error). */
export function requirePrincipal(): Principal {
  const p = currentPrincipal();
  if (!p) throw new Error('No principal in the request context: is the route missing its permission metadata?');
  return p;
}

export function currentAccountId(): string {
  return requirePrincipal().accountId;
}

const PROGRESS = Symbol.for('keyledger.requestProgress');

/**
 * Opens the request's progress record (the context module's setup, before anything runs), also kept on
 * the raw request so that the response's onSend hook (outside the request's context) can wait for the
 * audit entries the request committed to be sealed (main.ts, `sealingOf`).
 */
export function startProgress(rawRequest?: unknown): void {
  const c = cls();
  if (!c.isActive()) return;
  const progress: NonNullable<RequestStore['progress']> = { committed: false };
  c.set('progress', progress);
  if (rawRequest && typeof rawRequest === 'object') (rawRequest as Record<symbol, unknown>)[PROGRESS] = progress;
}

/** The entries a request committed and that its response waits for (see startProgress). */
export function sealingOf(rawRequest: unknown): SealingNote[] | undefined {
  return ((rawRequest as Record<symbol, unknown>)[PROGRESS] as RequestStore['progress'])?.sealing;
}

/** Called when a transaction commits (database/commit-watcher.ts). */
export function noteCommitted(): void {
  const c = cls();
  if (!c.isActive()) return;
  const progress = c.get('progress');
  if (progress) progress.committed = true;
  else c.set('progress', { committed: true }); // a context without a record (a job): this scope only
}

/** Whether a transaction of the current request has committed. */
export function requestCommitted(): boolean {
  const c = cls();
  return c.isActive() && c.get('progress')?.committed === true;
}

export function now(): Date {
  const c = cls();
  return (c.isActive() ? c.get('now') : undefined) ?? new Date();
}
