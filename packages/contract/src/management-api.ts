/**
 * Conventions of the Management API shared by the server, its OpenAPI document and clients:
 * which routes take an `Idempotency-Key`, and the rate-limit headers every API-key answer carries.
 */
import { z } from 'zod';
import { type RouteMetadata } from './common';

/** The request header naming one intent; a retry with the same key replays the first answer. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a key's first answer is kept for replay. */
export const IDEMPOTENCY_TTL_HOURS = 24;
/** Set on an answer replayed from a stored one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

export const ZIdempotencyKey = z
  .string()
  .regex(
    /^[\x21-\x7e]{1,255}$/,
    'must be 1 to 255 visible ASCII characters (a UUID is a good choice)',
  );

/**
 * Every creating or state-changing POST of the Management API: the POSTs an API key may call (a route
 * needing a permission, not `sessionOnly`). Creating an API key is left out on purpose: its answer holds
 * the secret, which the server must not keep.
 */
export function acceptsIdempotencyKey(route: { method: string; metadata?: unknown }): boolean {
  const meta = route.metadata as RouteMetadata | undefined;
  return route.method === 'POST' && meta !== undefined && 'permission' in meta && !meta.sessionOnly;
}

/** The rate-limit headers (draft-ietf-httpapi-ratelimit-headers, separate fields). */
export const RATE_LIMIT_HEADERS = {
  limit: 'ratelimit-limit',
  remaining: 'ratelimit-remaining',
  reset: 'ratelimit-reset',
  policy: 'ratelimit-policy',
} as const;
