/**
 * The Settings > Audit logs filters as URL search params, and how they become the API's query.
 * Invalid or unknown values are dropped, not rejected, so an old or hand-edited link still opens.
 */
import {
  resolveAuditFilter,
  tokenizeSearch,
  ZAuditAction,
  ZItemType,
  type AuditAction,
  type AuditLogQuery,
} from '@keyledger/contract';
import dayjs from 'dayjs';
import { droppedParams } from './droppedParams';
import utc from 'dayjs/plugin/utc';
import { z } from 'zod';

dayjs.extend(utc);

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
  itemId: z.string().uuid().optional().catch(undefined),
  /** The entry whose details are open (an entry link). */
  entry: z.string().uuid().optional().catch(undefined),
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
  /** With itemType: one item's entries (and its related items'). */
  itemId?: string;
  /** The entry whose details are open; not a filter. */
  entry?: string;
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
  if (search.itemType) {
    out.itemType = search.itemType;
    if (search.itemId) out.itemId = search.itemId;
  }
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
  if (search.entry) out.entry = search.entry;
  return out;
}

/** The search without the open entry: what filters the list. */
export function filterPart(search: AuditLogSearch): AuditLogSearch {
  const { entry: _entry, ...rest } = normalizeAuditLogSearch(search);
  return rest;
}

/** Quote a value that holds spaces, as tokenizeSearch reads it back. */
export function quoteToken(text: string): string {
  return /\s/.test(text) && !text.includes('"') ? `"${text}"` : text;
}

/** Drop the `q` tokens the contract refuses (an old link), keeping the others; the dropped come back. */
export function sanitizeQuery(q: string | undefined): { q: string | undefined; dropped: string[] } {
  if (!q) return { q, dropped: [] };
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const t of tokenizeSearch(q)) {
    if (resolveAuditFilter({ q: t }).ok) kept.push(quoteToken(t));
    else dropped.push(t);
  }
  return { q: kept.join(' ') || undefined, dropped };
}

/**
 * `validateSearch` of the audit-log route: raw URL values in, a clean AuditLogSearch out. What an
 * old or hand-edited link holds that no longer parses (a bad email, an unknown item type, a search
 * token the contract refuses) is dropped; the page names what it dropped.
 */
export function parseAuditLogSearch(raw: Record<string, unknown>): AuditLogSearch {
  const parsed = ZAuditLogSearch.parse(raw);
  const clean = normalizeAuditLogSearch({ ...parsed, q: sanitizeQuery(parsed.q).q });
  const dropped = droppedParams(raw, clean);
  // The router rewrites the URL to the clean params before the page mounts: keep what it dropped.
  if (dropped.length > 0) droppedFromLink.current = dropped;
  // Every known key, undefined when dropped: the router merges this over the raw params, so a key
  // left out would let the raw (invalid) value through.
  return { ...EMPTY_SEARCH, ...clean };
}

const EMPTY_SEARCH: Record<keyof AuditLogSearch, undefined> = {
  action: undefined,
  actor: undefined,
  itemType: undefined,
  itemId: undefined,
  entry: undefined,
  range: undefined,
  from: undefined,
  to: undefined,
  q: undefined,
};

/** What the last link opened dropped (see parseAuditLogSearch); the page reads and clears it. */
export const droppedFromLink: { current: string[] } = { current: [] };

export function clearDroppedFromLink(): void {
  droppedFromLink.current = [];
}

export function hasActiveFilters(search: AuditLogSearch): boolean {
  return Object.keys(filterPart(search)).length > 0;
}

/** Days in the viewer's zone, or in UTC when they chose UTC. */
export type ZoneMode = 'local' | 'utc';

/** The [from, to) instants of a date range, in the browser's time zone, as ISO strings. */
export function dateRangeBounds(
  search: Pick<AuditLogSearch, 'range' | 'from' | 'to'>,
  now: Date = new Date(),
  zone: ZoneMode = 'local',
): { from?: string; to?: string } {
  const inZone = (d?: string | Date) => (zone === 'utc' ? dayjs.utc(d) : dayjs(d));
  const today = inZone(now).startOf('day');
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
        from: search.from ? inZone(search.from).startOf('day').toISOString() : undefined,
        to: search.to ? inZone(search.to).add(1, 'day').startOf('day').toISOString() : undefined,
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
  zone: ZoneMode = 'local',
): AuditLogListFilter {
  const s = normalizeAuditLogSearch(search);
  const query: AuditLogListFilter = { ...dateRangeBounds(s, now, zone) };
  if (s.action) query.action = s.action.join(',');
  if (s.actor) query.actorEmail = s.actor;
  if (s.itemType) query.itemType = s.itemType;
  if (s.itemId) query.itemId = s.itemId;
  if (s.q) query.q = s.q;
  for (const key of Object.keys(query) as (keyof AuditLogListFilter)[]) {
    if (query[key] === undefined) delete query[key];
  }
  return query;
}
