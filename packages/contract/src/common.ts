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
export const ZIsoDateTime = z.string().datetime({ offset: true });

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

/** Route metadata: which permission a route needs; `public` routes need no session. */
export type RouteMetadata = { permission: Permission } | { public: true } | { authenticated: true };

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
] as const;
export const ZPermission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof ZPermission>;

/**
 * The kinds of item an audit entry can be about or linked to. `api_key` and `audit_export` are the
 * targets of the access-and-security entries; they have no page and no history route of their own
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
] as const;
export const ZItemType = z.enum(ITEM_TYPES);
export type ItemType = z.infer<typeof ZItemType>;
