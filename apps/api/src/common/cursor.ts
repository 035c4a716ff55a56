import { badRequest } from './errors';

/** Opaque keyset cursors: base64url JSON, validated on the way back in (shape, types and ranges). */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]{1,400}$/;

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  check: (v: Record<string, unknown>) => v is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    if (BASE64URL.test(cursor)) {
      const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v) && check(v as Record<string, unknown>)) return v as T;
    }
  } catch {
    // fall through
  }
  throw badRequest('Invalid request: query.cursor: the cursor is not valid; start again without it', [
    { path: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}

/** Exactly these keys, no more. */
export const hasKeys = (v: Record<string, unknown>, keys: string[]) => {
  const own = Object.keys(v);
  return own.length === keys.length && keys.every((k) => own.includes(k));
};

/** Cursor over (created_at DESC, id DESC) for item lists. */
export interface CreatedCursor extends Record<string, string> {
  t: string;
  id: string;
}

/** What encodeCursor writes: Date.toISOString() of a real row (1970–9999) and a UUID. */
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isCreatedCursor(v: Record<string, unknown>): v is CreatedCursor {
  if (!hasKeys(v, ['t', 'id']) || typeof v.t !== 'string' || typeof v.id !== 'string') return false;
  if (!ISO_MS.test(v.t) || !UUID.test(v.id)) return false;
  const d = new Date(v.t);
  const year = d.getUTCFullYear();
  return !Number.isNaN(d.getTime()) && d.toISOString() === v.t && year >= 1970 && year <= 9999;
}

/** Cursor over seq (audit entries, checkpoints): a positive safe integer. */
export interface SeqCursor extends Record<string, number> {
  s: number;
}

export const isSeqCursor = (v: Record<string, unknown>): v is SeqCursor =>
  hasKeys(v, ['s']) && typeof v.s === 'number' && Number.isSafeInteger(v.s) && v.s > 0;
