import { z } from 'zod';

/** The one error body every route answers with on 4xx and 5xx. */
export const ZErrorBody = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('One entry per invalid field, when the request failed validation'),
  requestId: z.string(),
});
export type ErrorBody = z.infer<typeof ZErrorBody>;

/** Responses any authenticated route may give besides its own. */
export const ERROR_RESPONSES = {
  400: ZErrorBody,
  401: ZErrorBody,
  403: ZErrorBody,
  404: ZErrorBody,
  409: ZErrorBody,
} as const;

export const ZUuid = z.string().uuid();

/** The instants the API takes: within PostgreSQL's timestamptz and a sane calendar (years 1970–9999). */
export const MIN_INSTANT = new Date('1970-01-01T00:00:00.000Z');
export const MAX_INSTANT = new Date('9999-12-31T23:59:59.999Z');
export const DATE_RANGE_MESSAGE =
  'must be between 1970-01-01 and 9999-12-31, with an offset within ±14:00';

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?)?$/;

/**
 * `2026-01-31` (UTC midnight) or a date-time with an offset (`Z`, `+02:00`): every field checked
 * (no 30 February, no hour 24, offsets within ±14:00) and the instant within MIN/MAX_INSTANT; null
 * otherwise. A date-time needs its offset; `requireTime` refuses a bare date. Linear: one anchored
 * pattern without nested repetition.
 */
export function parseIsoInstant(s: string, requireTime = false): Date | null {
  if (s.length > 40) return null;
  const m = ISO_INSTANT.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, off] = m;
  const hasTime = h !== undefined;
  if (requireTime && !hasTime) return null;
  if (hasTime && off === undefined) return null;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(sec ?? 0);
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  )
    return null;
  let offsetMinutes = 0;
  if (off && off !== 'Z') {
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (om > 59 || oh > 14 || (oh === 14 && om > 0)) return null;
    offsetMinutes = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const t = local - offsetMinutes * 60_000;
  if (t < MIN_INSTANT.getTime() || t > MAX_INSTANT.getTime()) return null;
  return new Date(t);
}

/** An ISO-8601 date-time with offset, as the API takes it (see parseIsoInstant) and gives it. */
export const ZIsoDateTime = z
  .string()
  .datetime({ offset: true })
  .refine((s) => parseIsoInstant(s, true) !== null, DATE_RANGE_MESSAGE);

export const ZIdParams = z.object({ id: ZUuid });

/** Keyset pagination: `cursor` is opaque, returned as `nextCursor` by the previous page. */
export const ZPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.infer<typeof ZPageQuery>;

export function ZPage<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A list without repeats (features, permissions, recipients…). */
export function ZUniqueList<T extends z.ZodTypeAny>(item: T, max: number, what: string, min = 0) {
  return z
    .array(item)
    .min(min, `give at least ${min} ${what}`)
    .max(max)
    .refine((list) => new Set(list).size === list.length, `${what} must be unique`);
}

/** At least one field: for PATCH bodies. */
export const nonEmptyPatch = (b: object) => Object.keys(b).length > 0;
export const NON_EMPTY_PATCH_MESSAGE = 'give at least one field to change';

/**
 * Route metadata: which permission a route needs; `public` routes need no session; `authenticated`
 * ones any signed-in user. `sessionOnly` routes refuse API keys (a signed-in user must call them).
 */
export type RouteMetadata =
  { permission: Permission; sessionOnly?: true } | { public: true } | { authenticated: true };

export const PERMISSIONS = [
  'products:read',
  'products:write',
  'customers:read',
  'customers:write',
  'orders:read',
  'orders:write',
  'licenses:read',
  'licenses:write',
  'devices:write',
  'audit_log:read',
  'audit_log:export',
  'settings:users',
  'settings:templates',
  'settings:notifications',
  'settings:api_keys',
  'settings:log_streams',
] as const;
export const ZPermission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof ZPermission>;

/**
 * The kinds of item an audit entry can be about or linked to. `api_key` and `audit_export` are the
 * targets of the access-and-security entries (so are `log_stream`s); they have no page and no history route of their own
 * (their entries are found with `item:api_key:<id>` in the account's audit log).
 */
export const ITEM_TYPES = [
  'platform_user',
  'permission_template',
  'notification_policy',
  'product',
  'customer',
  'order',
  'license',
  'device',
  'api_key',
  'audit_export',
  'audit_verification',
  'log_stream',
] as const;
export const ZItemType = z.enum(ITEM_TYPES);
export type ItemType = z.infer<typeof ZItemType>;
