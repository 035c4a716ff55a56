import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

export const REQUEST_ID_KEY = Symbol.for('keyledger.requestId');
const VALID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Fastify's genReqId: keep a caller's well-formed x-request-id, else a new UUID; remember it on the raw request. */
export function genReqId(raw: IncomingMessage): string {
  const given = raw.headers['x-request-id'];
  const id = typeof given === 'string' && VALID.test(given) ? given : randomUUID();
  (raw as unknown as Record<symbol, string>)[REQUEST_ID_KEY] = id;
  return id;
}
