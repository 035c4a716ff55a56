import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TypeOrmTransactionOptions } from '@nestjs-cls/transactional-adapter-typeorm';
import { type FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AUDITED_KEY } from '../audit/audited.decorator';
import { currentPrincipal } from '../common/request-context';
import { type TenantTransactionalAdapter, type TenantTransactionOptions } from './tenant-scope';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global: the second wall for reads. Every GET (and HEAD) of a signed-in caller that is not @Audited runs
 * its handler on a connection of the tenant-reads pool in the caller's account (TenantTransactionalAdapter:
 * the session is `keyledger_tenant` with read-only transactions from its startup options, and `SET
 * app.account_id` is pipelined ahead of the handler's first query unless the connection last served the same
 * account): every query the handler makes through `txHost.tx` runs as `keyledger_tenant` under row-level
 * security, so a query missing its account filter still sees nothing of other accounts, and a read cannot
 * write.
 *
 * Not wrapped: public routes (no principal: sign-in, the License API, the export download — authorised by
 * its signed link and streamed after the handler returns, so no transaction may stay open for it), and
 * mutations, which run in their own transactions (@Audited, or `txHost.withTransaction` in the service).
 * The guard's session and API-key lookup happen before this, as the owner (the account is not known yet).
 */
@Injectable()
export class TenantReadInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TenantTransactionalAdapter>,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const method = ctx.switchToHttp().getRequest<FastifyRequest>().method;
    if (!READ_METHODS.has(method) || !currentPrincipal() || this.reflector.get(AUDITED_KEY, ctx.getHandler())) return next.handle();
    const options: TenantTransactionOptions = { readOnly: true };
    return from(this.txHost.withTransaction(options as TypeOrmTransactionOptions, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
