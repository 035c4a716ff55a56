import {
  type CallHandler,
  type ExecutionContext,
  Global,
  Inject,
  Injectable,
  Module,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { from, type Observable, switchMap } from 'rxjs';
import * as argon2 from 'argon2';
import { ClsService } from 'nestjs-cls';
import { ZPassword } from '@keyledger/contract';
import { AUDITED_KEY, type AuditedMetadata } from '../audit/audited.decorator';
import { ENV, type Env } from '../config/env';
import { type RequestStore } from '../common/request-context';
import { PasswordGate } from './password-gate';

/**
 * Every argon2id hash and verification a request causes, through one PasswordGate per process: sign-in,
 * sign-up, a user changing their password, and an admin creating a user or setting their password.
 * The gate's per-address share is taken under the caller's address (the request's, unless given).
 */
@Injectable()
export class PasswordHasher {
  readonly gate: PasswordGate;

  constructor(
    @Inject(ENV) env: Env,
    private readonly cls: ClsService<RequestStore>,
  ) {
    this.gate = new PasswordGate(env.PASSWORD_HASH_CONCURRENCY, env.PASSWORD_HASH_QUEUE);
  }

  hash(password: string, address = this.address()): Promise<string> {
    const pre = this.cls.isActive() ? this.cls.get('prehashed') : undefined;
    if (pre && pre.password === password) {
      this.cls.set('prehashed', undefined);
      return Promise.resolve(pre.hash);
    }
    return this.gate.run(address, () => argon2.hash(password, { type: argon2.argon2id }));
  }

  /**
   * Hashes a new password ahead of the transaction that will store it: the next `hash` of the same
   * password in this request returns it without waiting. Only a password the contract would accept,
   * and only for a signed-in user (API keys set no password; their request is refused anyway).
   */
  async prehash(password: unknown): Promise<void> {
    if (!this.cls.isActive() || this.cls.get('principal')?.actor.type !== 'platform_user') return;
    if (!ZPassword.safeParse(password).success) return;
    const hash = await this.hash(password as string);
    this.cls.set('prehashed', { password: password as string, hash });
  }

  /** False for a wrong password or an unreadable hash. */
  verify(hash: string, password: string, address = this.address()): Promise<boolean> {
    return this.gate.run(address, () => argon2.verify(hash, password).catch(() => false));
  }

  private address(): string {
    return (this.cls.isActive() ? this.cls.get('ip') : undefined) ?? '';
  }
}

/**
 * For handlers marked `@Audited(…, { hashesPassword: field })`: hashes the body's new password before
 * any transaction opens — this interceptor is registered ahead of the Idempotency-Key's and the audit
 * log's, which each open one — so a pooled connection never waits on argon2 or the gate's queue.
 */
@Injectable()
export class PasswordPrehashInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly passwords: PasswordHasher,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const field = this.reflector.get<AuditedMetadata | undefined>(AUDITED_KEY, ctx.getHandler())
      ?.options.hashesPassword;
    if (field === undefined) return next.handle();
    const body: unknown = ctx.switchToHttp().getRequest<FastifyRequest>().body;
    const password =
      body !== null && typeof body === 'object'
        ? (body as Record<string, unknown>)[field]
        : undefined;
    return from(this.passwords.prehash(password)).pipe(switchMap(() => next.handle()));
  }
}

/** PasswordHasher for every module (one gate per process), and the prehash step of @Audited handlers. */
@Global()
@Module({
  providers: [PasswordHasher, { provide: APP_INTERCEPTOR, useClass: PasswordPrehashInterceptor }],
  exports: [PasswordHasher],
})
export class PasswordModule {}
