import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { type TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type AppRoute } from '@ts-rest/core';
import { TsRestAppRouteMetadataKey } from '@ts-rest/nest';
import {
  acceptsIdempotencyKey,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  ZIdempotencyKey,
} from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ApiError, badRequest, conflict } from '../common/errors';
import { currentPrincipal } from '../common/request-context';
import { IdempotencyRepository, type KeyScope } from './idempotency.repository';
import { requestFingerprint } from './request-fingerprint';

/** Carries a result out of the transaction so it rolls back (a 4xx/5xx answer is not stored: a retry acts again). */
class RollBack {
  constructor(readonly result: unknown) {}
}
/** Carries a stored answer out of the transaction (which has nothing to keep). */
class Replay {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {}
}

/**
 * Global. A Management API POST (a route needing a permission) sent with an `Idempotency-Key` runs in one
 * transaction that first claims the key for the caller's account and credential, then runs the handler
 * (and, for @Audited handlers, its audit entry: their transaction joins this one), then stores the answer;
 * all commit together, so the action, its entry and the stored answer exist together or not at all.
 *
 * - same key, same request (method, path, body) after the first committed → its answer again, with
 *   `Idempotent-Replayed: true`; nothing runs;
 * - same key, another request → 422;
 * - same key while the first is running (in this process or another) → waits on the key's row until the
 *   first ends, then replays it (or, if it failed and rolled back, runs); after IDEMPOTENCY_WAIT_MS, 409;
 * - a 4xx/5xx answer is not kept (everything rolls back), so a retry after fixing the request acts.
 * Without the header nothing changes.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly keys: IdempotencyRepository,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    const header = req.headers[IDEMPOTENCY_KEY_HEADER];
    if (header === undefined) return next.handle();
    const route = this.reflector.get<{ appRoute: AppRoute } | undefined>(
      TsRestAppRouteMetadataKey,
      ctx.getHandler(),
    )?.appRoute;
    if (!route || !acceptsIdempotencyKey(route)) return next.handle();
    const principal = currentPrincipal();
    if (!principal) return next.handle();
    const parsed = ZIdempotencyKey.safeParse(Array.isArray(header) ? null : header);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'is invalid';
      throw badRequest(`Idempotency-Key: ${message}`, [
        { path: 'headers.idempotency-key', message },
      ]);
    }
    const scope: KeyScope = {
      accountId: principal.accountId,
      credential: `${principal.actor.type}:${principal.actor.id ?? ''}`,
      key: parsed.data,
    };
    const fingerprint = requestFingerprint(req.method, req.url, req.body);
    return from(this.run(scope, fingerprint, ctx.switchToHttp().getResponse<FastifyReply>(), next));
  }

  private async run(
    scope: KeyScope,
    fingerprint: string,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    try {
      return await this.txHost.withTransaction(async () => {
        const claim = await this.keys.claim(scope, fingerprint);
        switch (claim.kind) {
          case 'busy':
            throw conflict(
              'A request with this Idempotency-Key is still in progress; retry it in a few seconds',
            );
          case 'stored':
            if (claim.requestHash !== fingerprint) {
              throw new ApiError(
                422,
                'This Idempotency-Key was already used with a different request (method, path or body); use a new key',
                [
                  {
                    path: 'headers.idempotency-key',
                    message: 'already used with a different request',
                  },
                ],
              );
            }
            throw new Replay(claim.statusCode, claim.response);
          case 'claimed':
            break;
        }
        const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (reply.statusCode >= 400) throw new RollBack(result);
        await this.keys.complete(scope, reply.statusCode, result);
        return result;
      });
    } catch (err) {
      if (err instanceof RollBack) return err.result;
      if (err instanceof Replay) {
        reply.status(err.statusCode);
        reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return err.body ?? undefined;
      }
      throw err;
    }
  }
}
