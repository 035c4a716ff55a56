import { type LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { currentClientRequestId, currentRequestId } from './request-context';

export type LogFormat = 'auto' | 'json' | 'pretty';

/** Readable, coloured lines for a person at a terminal; JSON lines for everything else (files, collectors). */
function destination(format: LogFormat): DestinationStream | undefined {
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return undefined;
  return pinoPretty({
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,context',
    messageKey: 'msg',
    messageFormat: '{if context}{context}: {end}{msg}',
    sync: true,
  });
}

/**
 * Logs; every line written inside a request carries its id as `reqId` (and the caller's own as
 * `clientReqId`). JSON lines unless `format` (LOG_FORMAT) asks for readable ones (see destination).
 */
export function createLogger(level: string, format: LogFormat = 'json'): Logger {
  return pino({
    level,
    base: { service: 'keyledger' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin(_merge, _level, logger) {
      const reqId = currentRequestId();
      const clientReqId = currentClientRequestId();
      // Fastify's per-request child loggers already carry reqId.
      return { ...(reqId && !('reqId' in logger.bindings()) ? { reqId } : {}), ...(clientReqId ? { clientReqId } : {}) };
    },
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], remove: true },
  }, destination(format));
}

/** Nest's logger interface over pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (message && typeof message === 'object' && !(message instanceof Error)) {
      const msg = typeof rest[0] === 'string' ? (rest[0] as string) : undefined;
      this.pino[level]({ context, ...(message as object) }, msg);
    } else if (message instanceof Error) {
      this.pino[level]({ context, err: message }, message.message);
    } else {
      this.pino[level]({ context, ...(rest.length && level === 'error' ? { trace: rest[0] } : {}) }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
