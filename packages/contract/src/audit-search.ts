/**
 * The audit log's filter, and the search string that can express it:
 *   action:license_* actor:ann@acme.test item:license:<id> created:>=2026-01-01 created:<2026-02-01 refund
 * Both the API (to query) and the web app (to describe a filter in words) resolve filters here.
 */
import { z } from 'zod';
import {
  AUDIT_ACTIONS,
  AUDIT_ACTION_CATALOG,
  AUDIT_ACTION_GROUPS,
  type AuditAction,
  type AuditActionGroupId,
  ZAuditAction,
  ZAuditActionGroup,
  auditActionsInGroup,
} from './audit-actions';
import { DATE_RANGE_MESSAGE, MAX_INSTANT, ZItemType, type ItemType, ITEM_TYPES, parseIsoInstant } from './common';

/** One value or many (`?action=a&action=b` or `?action=a,b`). */
const ZActionList = z.preprocess((v) => {
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  return v;
}, z.array(ZAuditAction).min(1).max(AUDIT_ACTIONS.length));

const ZDateBound = z
  .string()
  .trim()
  .refine((s) => parseDateBound(s) !== null, `must be an ISO-8601 date or date-time (e.g. 2026-01-31) that ${DATE_RANGE_MESSAGE}`);

/** true/false, also as the strings a query string carries. */
const ZRelated = z.preprocess(
  (v) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v),
  z.boolean(),
);

export const ZAuditLogFilter = z
  .object({
    action: ZActionList.optional(),
    group: ZAuditActionGroup.optional(),
    actorId: z.string().uuid().optional(),
    actorEmail: z.string().trim().toLowerCase().email().optional(),
    itemType: ZItemType.optional(),
    itemId: z.string().uuid().optional(),
    related: ZRelated.optional().describe(
      "with itemId: false keeps only the entries done to the item itself, not those of its related items (default true, as the item's History shows)",
    ),
    from: ZDateBound.optional().describe('inclusive'),
    to: ZDateBound.optional().describe('exclusive'),
    text: z.string().trim().min(1).max(200).optional(),
    q: z.string().max(1000).optional(),
  })
  .strict();
export type AuditLogFilter = z.infer<typeof ZAuditLogFilter>;

/** A filter with the search string folded in: every field is one AND-ed condition. */
export interface ResolvedAuditFilter {
  actions?: AuditAction[];
  actorId?: string;
  actorEmail?: string;
  itemType?: ItemType;
  itemId?: string;
  /** Only with itemId: false = the item's own entries, not its related items'. */
  targetOnly?: boolean;
  from?: Date;
  to?: Date;
  text?: string;
  /**
   * Full license keys found in the free text, each replaced in `text` by its masked form: entries
   * name licenses only by the masked key (the full key is never written to the log), so that is
   * what a pasted key can match. The web app says so beside the results.
   */
  maskedKeys?: { key: string; masked: string }[];
}

/** A full license key as customers paste it: four groups of four letters or digits, any case. */
const FULL_LICENSE_KEY = /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/;

export function isFullLicenseKey(s: string): boolean {
  return FULL_LICENSE_KEY.test(s.trim());
}

/**
 * How a license key is shown where it must not be usable (audit entries, their exports): only its
 * last group, e.g. `****-****-****-NPQR`. The API names licenses in entries with it.
 */
export function maskLicenseKey(key: string): string {
  const groups = key.trim().toUpperCase().split('-');
  return [...groups.slice(0, -1).map((g) => '*'.repeat(g.length)), groups[groups.length - 1]].join('-');
}

export interface FilterIssue {
  path: string;
  message: string;
}

export type ResolveResult = { ok: true; value: ResolvedAuditFilter } | { ok: false; issues: FilterIssue[] };

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A date (taken as UTC midnight) or a date-time with offset, between 1970-01-01 and 9999-12-31 with
 * an offset within ±14:00; null when invalid (see parseIsoInstant).
 */
export function parseDateBound(s: string): Date | null {
  return parseIsoInstant(s);
}

/**
 * Split on whitespace, keeping "quoted phrases" (and key:"quoted values") together; a quote without
 * its partner separates words. One pass over the string (no regular expression to backtrack).
 */
export function tokenizeSearch(q: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let i = 0;
  const flush = () => {
    if (current.length > 0) tokens.push(current);
    current = '';
  };
  while (i < q.length) {
    const ch = q[i]!;
    if (ch === '"') {
      const close = q.indexOf('"', i + 1);
      if (close === -1) {
        flush();
        i += 1;
        continue;
      }
      current += q.slice(i + 1, close);
      i = close + 1;
    } else if (/\s/.test(ch)) {
      flush();
      i += 1;
    } else {
      current += ch;
      i += 1;
    }
  }
  flush();
  return tokens;
}

const SEARCH_KEYS = ['action', 'group', 'actor', 'item', 'created'] as const;

function intersect(a: AuditAction[] | undefined, b: AuditAction[]): AuditAction[] {
  return a === undefined ? b : a.filter((x) => b.includes(x));
}

/**
 * Whether `name` matches a glob where `*` stands for any run of characters. Linear in the pattern:
 * the literal pieces between stars are found left to right, each after the previous one (greedy
 * leftmost is optimal for `*`-only globs), so no input makes it backtrack.
 */
export function globMatches(pattern: string, name: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return pattern === name;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > name.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k]!;
    if (piece === '') continue;
    const found = name.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

function matchActions(pattern: string): AuditAction[] {
  return AUDIT_ACTIONS.filter((a) => globMatches(pattern, a));
}

/** Fold `q` and the explicit fields into one resolved filter, or say exactly what is wrong. */
export function resolveAuditFilter(filter: AuditLogFilter): ResolveResult {
  const issues: FilterIssue[] = [];
  const out: ResolvedAuditFilter = {};
  const setScalar = <K extends 'actorId' | 'actorEmail' | 'itemType' | 'itemId'>(
    key: K,
    value: ResolvedAuditFilter[K],
    path: string,
  ) => {
    if (out[key] !== undefined && out[key] !== value) {
      issues.push({ path, message: `conflicts with another ${key} condition (${String(out[key])})` });
    }
    out[key] = value;
  };
  const raiseFrom = (d: Date) => {
    if (!out.from || d > out.from) out.from = d;
  };
  const lowerTo = (d: Date) => {
    if (!out.to || d < out.to) out.to = d;
  };
  const texts: string[] = [];

  if (filter.action) out.actions = [...new Set(filter.action)];
  if (filter.group) out.actions = intersect(out.actions, auditActionsInGroup(filter.group));
  if (filter.actorId) setScalar('actorId', filter.actorId, 'actorId');
  if (filter.actorEmail) setScalar('actorEmail', filter.actorEmail, 'actorEmail');
  if (filter.itemType) setScalar('itemType', filter.itemType, 'itemType');
  if (filter.itemId) setScalar('itemId', filter.itemId, 'itemId');
  // The schema has checked them already; a filter stored before a rule tightened is checked again here.
  for (const key of ['from', 'to'] as const) {
    const raw = filter[key];
    if (!raw) continue;
    const d = parseDateBound(raw);
    if (!d) issues.push({ path: key, message: `"${raw.slice(0, 40)}" is not a date that ${DATE_RANGE_MESSAGE}` });
    else if (key === 'from') raiseFrom(d);
    else lowerTo(d);
  }
  const maskedKeys: { key: string; masked: string }[] = [];
  const pushText = (t: string) => {
    if (isFullLicenseKey(t)) {
      const masked = maskLicenseKey(t);
      maskedKeys.push({ key: t.trim().toUpperCase(), masked });
      texts.push(masked);
    } else texts.push(t);
  };
  if (filter.text) {
    const words = filter.text.split(/\s+/);
    if (words.some(isFullLicenseKey)) words.forEach(pushText);
    else texts.push(filter.text);
  }

  for (const token of tokenizeSearch(filter.q ?? '')) {
    const colon = token.indexOf(':');
    const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
    if (colon <= 0 || !/^[a-z]+$/.test(key)) {
      pushText(token);
      continue;
    }
    const value = token.slice(colon + 1);
    const path = `q (${token})`;
    if (!(SEARCH_KEYS as readonly string[]).includes(key)) {
      issues.push({ path, message: `unknown search key "${key}"; use one of ${SEARCH_KEYS.join(', ')}, or quote the text` });
      continue;
    }
    if (!value) {
      issues.push({ path, message: `"${key}:" needs a value` });
      continue;
    }
    switch (key as (typeof SEARCH_KEYS)[number]) {
      case 'action': {
        const found = value.split(',').flatMap(matchActions);
        if (found.length === 0) issues.push({ path, message: `no action matches "${value}"` });
        else out.actions = intersect(out.actions, [...new Set(found)]);
        break;
      }
      case 'group': {
        const g = AUDIT_ACTION_GROUPS.find((x) => x.id === value);
        if (!g) issues.push({ path, message: `unknown group "${value}"; use one of ${AUDIT_ACTION_GROUPS.map((x) => x.id).join(', ')}` });
        else out.actions = intersect(out.actions, auditActionsInGroup(g.id as AuditActionGroupId));
        break;
      }
      case 'actor': {
        if (z.string().uuid().safeParse(value).success) setScalar('actorId', value, path);
        else if (z.string().email().safeParse(value).success) setScalar('actorEmail', value.toLowerCase(), path);
        else issues.push({ path, message: 'actor must be an email address or a user id' });
        break;
      }
      case 'item': {
        const [type, id, ...rest] = value.split(':');
        if (!type || !(ITEM_TYPES as readonly string[]).includes(type) || rest.length > 0) {
          issues.push({ path, message: `item must be <type> or <type>:<id>, type one of ${ITEM_TYPES.join(', ')}` });
          break;
        }
        setScalar('itemType', type as ItemType, path);
        if (id !== undefined) {
          if (!z.string().uuid().safeParse(id).success) issues.push({ path, message: `"${id}" is not a valid item id` });
          else setScalar('itemId', id, path);
        }
        break;
      }
      case 'created': {
        const m = /^(>=|<=|>|<|=)?(.+)$/.exec(value);
        const op = m?.[1] ?? '=';
        const raw = m?.[2] ?? '';
        const d = parseDateBound(raw);
        if (!d) {
          issues.push({ path, message: `"${raw}" is not a date that ${DATE_RANGE_MESSAGE}; use created:>=2026-01-01 (or <, <=, >, =)` });
          break;
        }
        // The end of a day (or millisecond) past 9999-12-31 is no later than MAX_INSTANT for the database.
        const span = DATE_ONLY.test(raw) ? DAY_MS : 1;
        const after = new Date(Math.min(d.getTime() + span, MAX_INSTANT.getTime()));
        if (op === '>=') raiseFrom(d);
        else if (op === '>') {
          if (d.getTime() + span > MAX_INSTANT.getTime()) issues.push({ path, message: `nothing can be created after ${raw}` });
          else raiseFrom(after);
        } else if (op === '<') lowerTo(d);
        else if (op === '<=') lowerTo(after);
        else {
          raiseFrom(d);
          lowerTo(after);
        }
        break;
      }
    }
  }

  if (texts.length) {
    const text = texts.join(' ').trim();
    if (text.length > 200) issues.push({ path: 'text', message: 'free text must be at most 200 characters' });
    out.text = text;
    if (maskedKeys.length) out.maskedKeys = maskedKeys;
  }
  if (filter.related === false) {
    if (!out.itemId) issues.push({ path: 'related', message: 'related=false needs an item (itemType and itemId)' });
    else out.targetOnly = true;
  }
  if (out.itemId && !out.itemType) issues.push({ path: 'itemType', message: 'itemId needs an itemType' });
  if (out.actions && out.actions.length === 0) {
    issues.push({ path: 'action', message: 'the action conditions exclude each other: no action matches them all' });
  }
  if (out.from && out.to && out.from >= out.to) {
    issues.push({ path: 'to', message: 'the date range is empty: "to" must be after "from"' });
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: out };
}

/** The filter in words, for export dialogs and emails. */
export function describeAuditFilter(f: ResolvedAuditFilter): string {
  const parts: string[] = [];
  if (f.actions) {
    parts.push(
      f.actions.length <= 3
        ? `action ${f.actions.map((a) => AUDIT_ACTION_CATALOG[a].label).join(' or ')}`
        : `${f.actions.length} actions`,
    );
  }
  if (f.actorEmail) parts.push(`by ${f.actorEmail}`);
  if (f.actorId) parts.push(`by user ${f.actorId}`);
  if (f.itemType) {
    parts.push(
      f.itemId
        ? `on ${f.itemType} ${f.itemId}${f.targetOnly ? ' (not its related items)' : ' and its related items'}`
        : `on ${f.itemType}s`,
    );
  }
  if (f.from) parts.push(`from ${f.from.toISOString()}`);
  if (f.to) parts.push(`before ${f.to.toISOString()}`);
  if (f.text) parts.push(`matching "${f.text}"`);
  if (f.maskedKeys?.length) parts.push(`(license keys are matched by their masked form; the log never holds a full key)`);
  return parts.length ? parts.join(', ') : 'all entries';
}
