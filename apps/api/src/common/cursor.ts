import { badRequest } from './errors';

/** Opaque keyset cursors: base64url JSON, validated on the way back in. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string | undefined,
  check: (v: Record<string, unknown>) => v is T,
): T | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && check(v as Record<string, unknown>)) return v as T;
  } catch {
    // fall through
  }
  throw badRequest('Invalid request: query.cursor: the cursor is not valid; start again without it', [
    { path: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}

/** Cursor over (created_at DESC, id DESC) for item lists. */
export interface CreatedCursor extends Record<string, string> {
  t: string;
  id: string;
}

export function isCreatedCursor(v: Record<string, unknown>): v is CreatedCursor {
  return (
    typeof v.t === 'string' &&
    !Number.isNaN(Date.parse(v.t)) &&
    typeof v.id === 'string' &&
    /^[0-9a-f-]{36}$/i.test(v.id)
  );
}
