/**
 * One filter model for the audit page. The URL's search params (AuditLogSearch) are the state; the
 * query bar shows them as chips and the dropdowns show the same fields, so a condition typed in the
 * bar appears in its dropdown and a dropdown choice appears as a chip.
 *
 * Typed tokens are checked with the contract's own parser (`resolveAuditFilter`, `tokenizeSearch`),
 * token by token, so the bar can point at the bad one; it is never sent. Then each valid token lands
 * in its field: actions and groups in `action` (any of them), `actor:<email>` in `actor`,
 * `item:<type>[:<id>]` in `itemType`/`itemId`, `created:` with a day in the date range (days in the
 * viewer's zone, like the date picker); anything else (free text, exact instants, actor ids) stays in
 * `q`, which the API resolves with the same parser.
 */
import {
  AUDIT_ACTION_CATALOG,
  AUDIT_ACTION_GROUPS,
  auditActionsInGroup,
  type AuditAction,
  type AuditActionGroupId,
  type ItemType,
  resolveAuditFilter,
  tokenizeSearch,
} from '@keyledger/contract';
import dayjs from 'dayjs';
import { itemTypeLabel } from '../../../app/itemTypes';
import { type AuditLogSearch, normalizeAuditLogSearch, quoteToken } from './auditLogSearch';

export { quoteToken, sanitizeQuery } from './auditLogSearch';

export type ChipKind = 'group' | 'action' | 'actor' | 'item' | 'date' | 'text';

export interface FilterChip {
  /** Stable key (also what a test finds). */
  key: string;
  kind: ChipKind;
  /** What the chip says: "Action: License disabled". */
  label: string;
  /** The token in search syntax, when the chip has one (shown on hover, copied into the bar). */
  token: string | null;
  /** The search without this chip. */
  remove: (s: AuditLogSearch) => AuditLogSearch;
  /** For `item` chips with an id: resolve the name. */
  item?: { type: ItemType; id: string };
}

const RANGE_LABELS = { today: 'today', '7d': 'last 7 days', '30d': 'last 30 days' } as const;

/** The groups wholly chosen, and the actions left over. */
export function splitActions(actions: readonly AuditAction[]): {
  groups: AuditActionGroupId[];
  rest: AuditAction[];
} {
  const chosen = new Set(actions);
  const groups: AuditActionGroupId[] = [];
  const covered = new Set<AuditAction>();
  for (const g of AUDIT_ACTION_GROUPS) {
    const members = auditActionsInGroup(g.id as AuditActionGroupId);
    if (members.length > 1 && members.every((a) => chosen.has(a))) {
      groups.push(g.id as AuditActionGroupId);
      members.forEach((a) => covered.add(a));
    }
  }
  return { groups, rest: actions.filter((a) => !covered.has(a)) };
}

export function groupLabel(id: AuditActionGroupId): string {
  return AUDIT_ACTION_GROUPS.find((g) => g.id === id)?.label ?? id;
}

/** Every chip of a search, in the order the bar shows them. */
export function searchChips(search: AuditLogSearch): FilterChip[] {
  const s = normalizeAuditLogSearch(search);
  const chips: FilterChip[] = [];
  if (s.action?.length) {
    const { groups, rest } = splitActions(s.action);
    for (const g of groups) {
      const members = new Set(auditActionsInGroup(g));
      chips.push({
        key: `group:${g}`,
        kind: 'group',
        label: `Group: ${groupLabel(g)}`,
        token: `group:${g}`,
        remove: (x) => ({ ...x, action: x.action?.filter((a) => !members.has(a)) }),
      });
    }
    for (const a of rest) {
      chips.push({
        key: `action:${a}`,
        kind: 'action',
        label: `Action: ${AUDIT_ACTION_CATALOG[a].label}`,
        token: `action:${a}`,
        remove: (x) => ({ ...x, action: x.action?.filter((y) => y !== a) }),
      });
    }
  }
  if (s.actor) {
    chips.push({
      key: `actor:${s.actor}`,
      kind: 'actor',
      label: `By: ${s.actor}`,
      token: `actor:${s.actor}`,
      remove: (x) => ({ ...x, actor: undefined }),
    });
  }
  if (s.itemType) {
    chips.push({
      key: `item:${s.itemType}:${s.itemId ?? ''}`,
      kind: 'item',
      label: s.itemId
        ? `${itemTypeLabel(s.itemType)}: ${s.itemId.slice(0, 8)}…`
        : `Item: ${itemTypeLabel(s.itemType)}`,
      token: s.itemId ? `item:${s.itemType}:${s.itemId}` : `item:${s.itemType}`,
      remove: (x) => ({ ...x, itemType: undefined, itemId: undefined }),
      item: s.itemId ? { type: s.itemType, id: s.itemId } : undefined,
    });
  }
  if (s.range && s.range !== 'custom') {
    chips.push({
      key: `date:${s.range}`,
      kind: 'date',
      label: `Created: ${RANGE_LABELS[s.range]}`,
      token: null,
      remove: (x) => ({ ...x, range: undefined, from: undefined, to: undefined }),
    });
  } else if (s.range === 'custom' && s.from) {
    const to = s.to ?? s.from;
    chips.push({
      key: `date:${s.from}:${to}`,
      kind: 'date',
      label: to === s.from ? `Created: ${s.from}` : `Created: ${s.from} – ${to}`,
      token: to === s.from ? `created:${s.from}` : `created:>=${s.from} created:<=${to}`,
      remove: (x) => ({ ...x, range: undefined, from: undefined, to: undefined }),
    });
  }
  if (s.q) {
    const tokens = tokenizeSearch(s.q);
    tokens.forEach((t, i) => {
      chips.push({
        key: `q:${i}:${t}`,
        kind: 'text',
        label: t.includes(':') ? t : `Text: ${t}`,
        token: quoteToken(t),
        remove: (x) => ({
          ...x,
          q: tokenizeSearch(x.q ?? '')
            .filter((_, j) => j !== i)
            .map(quoteToken)
            .join(' '),
        }),
      });
    });
  }
  return chips;
}

/** The search as one string of tokens (what the bar would show typed out; the URL holds the fields). */
export function searchToQuery(search: AuditLogSearch): string {
  return searchChips(search)
    .map((c) => c.token)
    .filter((t): t is string => t !== null)
    .join(' ');
}

export type TokenResult =
  { ok: true; search: AuditLogSearch } | { ok: false; token: string; message: string };

const addDays = (day: string, n: number) => dayjs(day).add(n, 'day').format('YYYY-MM-DD');
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** People the bar knows by name, to turn `actor:Cleo` into Cleo's email. */
export interface KnownPerson {
  name: string;
  email: string;
}

function findPerson(people: readonly KnownPerson[], text: string): KnownPerson[] {
  const t = text.toLowerCase();
  return people.filter(
    (p) => p.name.toLowerCase().includes(t) || p.email.toLowerCase().includes(t),
  );
}

/** Plain-language wording of the contract's messages. */
function explain(token: string, message: string): string {
  return `"${token}": ${message}`;
}

/**
 * One typed token added to the search, or why it cannot be: checked by the contract's parser alone
 * (so it is exactly what the API would say), then placed in its field.
 */
export function applyToken(
  search: AuditLogSearch,
  token: string,
  people: readonly KnownPerson[] = [],
): TokenResult {
  const colon = token.indexOf(':');
  const key = colon > 0 ? token.slice(0, colon).toLowerCase() : '';
  const value = colon > 0 ? token.slice(colon + 1) : token;

  // A name instead of an email: one match is taken, several are asked about.
  if (key === 'actor' && value && !value.includes('@') && !/^[0-9a-f-]{36}$/i.test(value)) {
    const found = findPerson(people, value);
    if (found.length === 1) return applyToken(search, `actor:${found[0]!.email}`, people);
    return {
      ok: false,
      token,
      message: explain(
        token,
        found.length > 1
          ? `${found.length} people match "${value}"; pick one from the list`
          : `no one known as "${value}"; type their full email address or pick from the list`,
      ),
    };
  }

  const resolved = resolveAuditFilter({ q: token });
  if (!resolved.ok) {
    return { ok: false, token, message: explain(token, resolved.issues[0]!.message) };
  }
  const r = resolved.value;
  const next: AuditLogSearch = { ...search };
  switch (key) {
    case 'action':
    case 'group': {
      // Several actions or groups in the bar mean any of them, as in the Actions dropdown.
      next.action = [...new Set([...(search.action ?? []), ...(r.actions ?? [])])];
      return { ok: true, search: normalizeAuditLogSearch(next) };
    }
    case 'actor':
      if (r.actorEmail)
        return { ok: true, search: normalizeAuditLogSearch({ ...next, actor: r.actorEmail }) };
      break; // an actor id stays in q
    case 'item':
      return {
        ok: true,
        search: normalizeAuditLogSearch({ ...next, itemType: r.itemType, itemId: r.itemId }),
      };
    case 'created': {
      const m = /^(>=|<=|>|<|=)?(.+)$/.exec(value);
      const op = m?.[1] ?? '=';
      const day = m?.[2] ?? '';
      if (!DAY.test(day)) break; // an exact instant stays in q
      const custom = search.range === 'custom' ? { from: search.from, to: search.to } : {};
      let { from, to } = custom;
      if (op === '>=') from = day;
      else if (op === '>') from = addDays(day, 1);
      else if (op === '<=') to = day;
      else if (op === '<') to = addDays(day, -1);
      else from = to = day;
      if (!from) from = '1970-01-01';
      if (to && to < from) {
        return { ok: false, token, message: explain(token, 'the date range would be empty') };
      }
      return { ok: true, search: normalizeAuditLogSearch({ ...next, range: 'custom', from, to }) };
    }
    default:
      break;
  }
  const q = [search.q, quoteToken(token)].filter(Boolean).join(' ');
  if (q.length > 1000)
    return { ok: false, token, message: explain(token, 'the search is too long') };
  return { ok: true, search: normalizeAuditLogSearch({ ...next, q }) };
}

/**
 * A typed or pasted string: each token applied in turn; the bad ones come back (with why) so the
 * bar can keep them in view, underlined, and apply the rest.
 */
export function applyQuery(
  search: AuditLogSearch,
  text: string,
  people: readonly KnownPerson[] = [],
): { search: AuditLogSearch; bad: { token: string; message: string }[] } {
  let next = search;
  const bad: { token: string; message: string }[] = [];
  for (const token of tokenizeSearch(text)) {
    const r = applyToken(next, token, people);
    if (r.ok) next = r.search;
    else bad.push({ token: r.token, message: r.message });
  }
  return { search: next, bad };
}
