/**
 * The Settings > Audit logs filters as URL search params, and how they become the API's query.
 * Invalid or unknown values are dropped, not rejected, so an old or hand-edited link still opens.
 */
import { ZAuditAction, ZItemType, type AuditAction, type AuditLogQuery } from '@keyledger/contract';
import dayjs from 'dayjs';
import { z } from 'zod';

export const DATE_RANGE_PRESETS = ['today', '7d', '30d', 'custom'] as const;
export type DateRangePreset = (typeof DATE_RANGE_PRESETS)[number];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const splitList = (v: unknown): unknown => (typeof v === 'string' ? v.split(',') : v);
const asString = (v: unknown): unknown =>
  typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;

const ZActions = z.preprocess(
  splitList,
  z.array(z.unknown()).transform((items) => [
    ...new Set(
      items.flatMap((a) => {
        const parsed = ZAuditAction.safeParse(typeof a === 'string' ? a.trim() : a);
        return parsed.success ? [parsed.data] : [];
      }),
    ),
  ]),
);

const ZDay = z.preprocess(
  asString,
  z
    .string()
    .regex(DAY)
    .refine((s) => dayjs(s).format('YYYY-MM-DD') === s, 'not a calendar day'),
);

export const ZAuditLogSearch = z.object({
  action: ZActions.optional().catch(undefined),
  actor: z
    .preprocess(asString, z.string().trim().toLowerCase().email())
    .optional()
    .catch(undefined),
  itemType: ZItemType.optional().catch(undefined),
  range: z.enum(DATE_RANGE_PRESETS).optional().catch(undefined),
  from: ZDay.optional().catch(undefined),
  to: ZDay.optional().catch(undefined),
  q: z.preprocess(asString, z.string().trim().max(1000)).optional().catch(undefined),
});

/** What the URL holds: every field optional; a custom range carries its days (YYYY-MM-DD, local). */
export interface AuditLogSearch {
  action?: AuditAction[];
  actor?: string;
  itemType?: z.infer<typeof ZItemType>;
  range?: DateRangePreset;
  from?: string;
  to?: string;
  q?: string;
}

/** Drop empty values and the parts that do not go together, so equal views have equal URLs. */
export function normalizeAuditLogSearch(search: AuditLogSearch): AuditLogSearch {
  const out: AuditLogSearch = {};
  if (search.action?.length) out.action = search.action;
  if (search.actor) out.actor = search.actor;
  if (search.itemType) out.itemType = search.itemType;
  if (search.range === 'custom') {
    // A custom range without days yet is kept: the date picker stays open until they are chosen.
    out.range = 'custom';
    if (search.from) {
      out.from = search.from;
      if (search.to && search.to >= search.from) out.to = search.to;
    }
  } else if (search.range) {
    out.range = search.range;
  }
  if (search.q) out.q = search.q;
  return out;
}

/** `validateSearch` of the audit-log route: raw URL values in, a clean AuditLogSearch out. */
export function parseAuditLogSearch(raw: Record<string, unknown>): AuditLogSearch {
  return normalizeAuditLogSearch(ZAuditLogSearch.parse(raw));
}

export function hasActiveFilters(search: AuditLogSearch): boolean {
  return Object.keys(normalizeAuditLogSearch(search)).length > 0;
}

/** The [from, to) instants of a date range, in the browser's time zone, as ISO strings. */
export function dateRangeBounds(
  search: Pick<AuditLogSearch, 'range' | 'from' | 'to'>,
  now: Date = new Date(),
): { from?: string; to?: string } {
  const today = dayjs(now).startOf('day');
  switch (search.range) {
    case undefined:
      return {};
    case 'today':
      return { from: today.toISOString() };
    case '7d':
      return { from: today.subtract(6, 'day').toISOString() };
    case '30d':
      return { from: today.subtract(29, 'day').toISOString() };
    case 'custom':
      return {
        from: search.from ? dayjs(search.from).startOf('day').toISOString() : undefined,
        to: search.to ? dayjs(search.to).add(1, 'day').startOf('day').toISOString() : undefined,
      };
  }
}

/** The filter part of `GET /api/v1/audit-log`'s query (actions as a comma list, which the API accepts). */
export type AuditLogListFilter = Omit<AuditLogQuery, 'action' | 'limit' | 'cursor'> & {
  action?: string;
};

export function toAuditLogQuery(
  search: AuditLogSearch,
  now: Date = new Date(),
): AuditLogListFilter {
  const s = normalizeAuditLogSearch(search);
  const query: AuditLogListFilter = { ...dateRangeBounds(s, now) };
  if (s.action) query.action = s.action.join(',');
  if (s.actor) query.actorEmail = s.actor;
  if (s.itemType) query.itemType = s.itemType;
  if (s.q) query.q = s.q;
  for (const key of Object.keys(query) as (keyof AuditLogListFilter)[]) {
    if (query[key] === undefined) delete query[key];
  }
  return query;
}
