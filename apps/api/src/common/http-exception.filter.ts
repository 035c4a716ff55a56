import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { RequestValidationError } from '@ts-rest/nest';
import { type ErrorBody } from '@keyledger/contract';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError, QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';
import { type ZodError } from 'zod';
import { ApiError } from './errors';
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

/** What pg and pg-pool raise when no connection is had (SQLSTATE: cannot_connect_now, too_many_connections). */
const NO_CONNECTION_MESSAGES = new Set(['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout']);
const NO_CONNECTION_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const NO_CONNECTION_SQLSTATES = new Set(['57P03', '53300']);
/** …and when a connection in use goes away (SQLSTATE: admin_shutdown, crash_shutdown). */
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
 * No database connection could be had for the request: the pool's wait (DATABASE_POOL_WAIT_MS) ran
 * out, or PostgreSQL did not accept one. Such an error comes before any statement of the request was
 * sent — a statement's own failure is a QueryFailedError — so nothing was written.
 */
export function isNoDatabaseConnection(err: unknown): boolean {
  if (!isErrorLike(err) || err instanceof QueryFailedError) return false;
  const e = err as Error & { syscall?: unknown; severity?: unknown };
  return (
    NO_CONNECTION_MESSAGES.has(e.message) ||
    // A socket that could not connect (pg's connect; Redis and outbound calls handle their own), or
    // PostgreSQL refusing the session (a server error carries its severity).
    (NO_CONNECTION_NET_CODES.has(codeOf(e)) && (e.syscall === 'connect' || e.syscall === 'getaddrinfo')) ||
    (NO_CONNECTION_SQLSTATES.has(codeOf(e)) && typeof e.severity === 'string')
  );
}

function lostConnection(err: unknown): boolean {
  if (!isErrorLike(err)) return false;
  const e = err as Error & { syscall?: unknown; severity?: unknown };
  return (
    LOST_CONNECTION_MESSAGES.has(e.message) ||
    (LOST_CONNECTION_SQLSTATES.has(codeOf(e)) && typeof e.severity === 'string') ||
    (LOST_CONNECTION_NET_CODES.has(codeOf(e)) && (e.syscall === 'read' || e.syscall === 'write'))
  );
}

/**
 * The request's connection went away while in use (PostgreSQL stopped or restarted, the network
 * dropped): a statement failed for it, the socket's own error surfaced, or TypeORM had already released
 * the query runner it broke (what a transaction's next statement or ROLLBACK then meets). A COMMIT may
 * have been among the statements, so nothing is claimed about what was saved.
 */
export function isLostDatabaseConnection(err: unknown): boolean {
  if (err instanceof QueryRunnerAlreadyReleasedError || err instanceof QueryRunnerProviderAlreadyReleasedError) return true;
  if (err instanceof QueryFailedError) return lostConnection((err as { driverError?: unknown }).driverError);
  return lostConnection(err);
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
    } else if (status === 503 && (isNoDatabaseConnection(exception) || isLostDatabaseConnection(exception))) {
      void reply.header('retry-after', '1');
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
    if (isNoDatabaseConnection(exception)) {
      // Nothing of the failed step reached the database; whether an earlier step of the request committed is known.
      return {
        status: 503,
        message: requestCommitted()
          ? 'The database is busy or unreachable: no connection could be had for the rest of this request, after part of it was saved. Check what was saved before retrying.'
          : 'The database is busy or unreachable: no connection could be had for this request. Nothing was changed; retry in a moment.',
      };
    }
    if (isLostDatabaseConnection(exception)) {
      // The statement may have been a COMMIT whose answer was lost: say what holds, not "nothing changed".
      return {
        status: 503,
        message:
          'The database connection was lost during this request. A change and its audit entry are saved together or not at all: check whether it was saved before retrying.',
      };
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
