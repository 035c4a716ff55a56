import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AUDITED_KEY, type AuditedMetadata } from './audited.decorator';
import { AuditedExecutor } from './audited-executor';

/** Carries a non-2xx result out of the transaction so it rolls back without an entry. */
class NotAudited {
  constructor(readonly result: unknown) {}
}

/**
 * Global, so it wraps the ts-rest handler interceptor: for handlers marked @Audited the whole
 * handler runs in one transaction with its entry. A thrown error or a 4xx/5xx result rolls
 * everything back and writes nothing; a failed entry insert fails the request and undoes the change.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly executor: AuditedExecutor,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = this.reflector.get<AuditedMetadata | undefined>(AUDITED_KEY, ctx.getHandler());
    if (!meta) return next.handle();
    const http = ctx.switchToHttp();
    const params = http.getRequest<FastifyRequest<{ Params: Record<string, string> }>>().params ?? {};
    const reply = http.getResponse<FastifyReply>();
    const run = async () => {
      try {
        return await this.executor.run(meta.action, meta.options, params, async () => {
          const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
          if (reply.statusCode >= 400) throw new NotAudited(result);
          return result;
        });
      } catch (err) {
        if (err instanceof NotAudited) return err.result;
        throw err;
      }
    };
    return from(run());
  }
}
