import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { RequestValidationError } from '@ts-rest/nest';
import { type ErrorBody } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { type ZodError } from 'zod';
import { ApiError } from './errors';

type Detail = NonNullable<ErrorBody['details']>[number];

function zodDetails(prefix: string, error: ZodError | null | undefined): Detail[] {
  if (!error) return [];
  return error.issues.map((i) => {
    const path = [prefix, ...i.path].filter((p) => p !== '').join('.');
    const message = i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message;
    return { path, message };
  });
}

/** Every error leaves as `{statusCode, error, message, details?, requestId}`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const { status, message, details } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception, url: req.url }, message);
    const body: ErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      ...(details && details.length ? { details } : {}),
      requestId: String(req.id),
    };
    if (exception instanceof ApiError && exception.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): { status: number; message: string; details?: Detail[] } {
    if (exception instanceof RequestValidationError) {
      const details = [
        ...zodDetails('params', exception.pathParams),
        ...zodDetails('query', exception.query),
        ...zodDetails('body', exception.body),
        ...zodDetails('headers', exception.headers),
      ];
      const first = details[0];
      const message = first ? `Invalid request: ${first.path}: ${first.message}` : 'Invalid request';
      return { status: 400, message: details.length > 1 ? `${message} (and ${details.length - 1} more)` : message, details };
    }
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), message: exception.message, details: exception.details };
    }
    if (exception instanceof HttpException) {
      const res = exception.getResponse();
      const message =
        typeof res === 'string'
          ? res
          : typeof (res as { message?: unknown }).message === 'string'
            ? (res as { message: string }).message
            : Array.isArray((res as { message?: unknown }).message)
              ? ((res as { message: string[] }).message.join('; '))
              : exception.message;
      return { status: exception.getStatus(), message };
    }
    // Errors raised by Fastify itself (body too large, malformed JSON, unsupported media type).
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const msg = (exception as { message?: string }).message ?? 'Bad request';
      return { status: statusCode, message: msg.replace(/^FST_\w+: /, '') };
    }
    return { status: 500, message: 'Internal server error: the request was not completed and nothing was changed' };
  }
}
