import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

export const REQUEST_ID_KEY = Symbol.for('keyledger.requestId');
export const CLIENT_REQUEST_ID_KEY = Symbol.for('keyledger.clientRequestId');

/** A caller's own x-request-id is kept beside ours when it is 1–128 visible ASCII characters. */
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Fastify's genReqId: every request gets the server's own id (a new UUID), whatever the caller
 * sends — it is the id audit entries store and logs carry. A well-formed `x-request-id` from the
 * caller is kept beside it for correlation (logs as `clientReqId`, the `x-client-request-id`
 * response header), never in an entry.
 */
export function genReqId(raw: IncomingMessage): string {
  const id = randomUUID();
  const given = raw.headers['x-request-id'];
  const r = raw as unknown as Record<symbol, string | undefined>;
  r[REQUEST_ID_KEY] = id;
  r[CLIENT_REQUEST_ID_KEY] = typeof given === 'string' && CLIENT_ID.test(given) ? given : undefined;
  return id;
}

/** The caller's validated x-request-id of a raw (or Fastify) request, if any. */
export function clientRequestIdOf(req: unknown): string | undefined {
  const r = req as Record<string | symbol, unknown> | undefined;
  const raw = (r?.raw ?? r) as Record<symbol, unknown> | undefined;
  const id = raw?.[CLIENT_REQUEST_ID_KEY];
  return typeof id === 'string' ? id : undefined;
}
