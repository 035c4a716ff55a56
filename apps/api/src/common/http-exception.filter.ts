import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { RequestValidationError } from '@ts-rest/nest';
import { type ErrorBody } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { type ZodError } from 'zod';
import { ApiError } from './errors';
import { isNoConnectionError } from '../database/pg-driver';
import { requestCommitted } from './request-context';

type Detail = NonNullable<ErrorBody['details']>[number];

function zodDetails(prefix: string, error: ZodError | null | undefined): Detail[] {
  if (!error) return [];
  return error.issues.map((i) => {
    const path = [prefix, ...i.path].filter((p) => p !== '').join('.');
    const message = i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message;
    return { path, message };
  });
}

/** What pg raises when a connection in use goes away (SQLSTATE: admin_shutdown, crash_shutdown). */
const LOST_CONNECTION_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);
const LOST_CONNECTION_SQLSTATES = new Set(['57P01', '57P02']);
const LOST_CONNECTION_NET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** Duck-typed: errors raised by Node's own sockets may come from another realm than this module's Error. */
const isErrorLike = (err: unknown): err is Error =>
  typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
const codeOf = (err: Error) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
};

/**
 * No database connection could be had: the pool's wait (DATABASE_POOL_WAIT_MS) ran out, or PostgreSQL
 * did not accept one. Known for certain — the pool marks every error of taking a connection
 * (database/pg-driver.ts) — so the step that failed sent nothing.
 */
export function isNoDatabaseConnection(err: unknown): boolean {
  return isNoConnectionError(err) && !(err instanceof QueryFailedError);
}

/** pg's own words for a connection gone (a server error carries its severity; a socket's code counts only from pg). */
function lostConnection(err: unknown, fromPg: boolean): boolean {
  if (!isErrorLike(err)) return false;
  const e = err as Error & { severity?: unknown };
  return (
    LOST_CONNECTION_MESSAGES.has(e.message) ||
    (LOST_CONNECTION_SQLSTATES.has(codeOf(e)) && typeof e.severity === 'string') ||
    (fromPg && LOST_CONNECTION_NET_CODES.has(codeOf(e)))
  );
}

/**
 * The request's connection went away while in use (PostgreSQL stopped or restarted, the network
 * dropped): a statement failed for it, pg's own error surfaced, or TypeORM had already released the
 * query runner it broke (what a transaction's next statement or ROLLBACK then meets). A COMMIT may
 * have been among the statements, so nothing is claimed about what was saved.
 */
export function isLostDatabaseConnection(err: unknown): boolean {
  if (err instanceof QueryRunnerAlreadyReleasedError || err instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  if (err instanceof QueryFailedError) return lostConnection((err as { driverError?: unknown }).driverError, true);
  return lostConnection(err, false);
}

/** Every error leaves as `{statusCode, error, message, details?, requestId}`. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const { status, message, details, retryAfterSeconds } = this.describe(exception);
    if (status >= 500) this.logger.error({ err: exception, url: req.url }, message);
    const body: ErrorBody = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      ...(details && details.length ? { details } : {}),
      requestId: String(req.id),
    };
    if (retryAfterSeconds !== undefined) void reply.header('retry-after', String(retryAfterSeconds));
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private describe(exception: unknown): { status: number; message: string; details?: Detail[]; retryAfterSeconds?: number } {
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
      return { status: exception.getStatus(), message: exception.message, details: exception.details, retryAfterSeconds: exception.retryAfterSeconds };
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
    // Retry-After only where a retry is safe: nothing of the request was saved.
    if (isNoDatabaseConnection(exception)) {
      return requestCommitted()
        ? {
            status: 503,
            message:
              'The database is busy or unreachable: no connection could be had for the rest of this request, after part of it was saved. Check what was saved before retrying.',
          }
        : {
            status: 503,
            message: 'The database is busy or unreachable: no connection could be had for this request. Nothing was changed; retry in a moment.',
            retryAfterSeconds: 1,
          };
    }
    if (isLostDatabaseConnection(exception)) {
      // The statement may have been a COMMIT whose answer was lost: say what holds, not "nothing changed".
      return {
        status: 503,
        message:
          'The database connection was lost during this request: what it changed may or may not have been saved (a change is never saved without its audit entry). Check before retrying.',
      };
    }
    // Errors raised by Fastify itself (body too large, malformed JSON, unsupported media type).
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const msg = (exception as { message?: string }).message ?? 'Bad request';
      return { status: statusCode, message: msg.replace(/^FST_\w+: /, '') };
    }
    return {
      status: 500,
      message: requestCommitted()
        ? 'Internal server error: the request was not completed, after part of it was saved'
        : 'Internal server error: the request was not completed and nothing was changed',
    };
  }
}
