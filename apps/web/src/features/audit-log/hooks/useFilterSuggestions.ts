import {
  AUDIT_ACTION_GROUPS,
  AUDIT_ACTIONS,
  auditActionLabel,
  type AuditEntry,
  type ItemType,
} from '@keyledger/contract';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import { ITEM_TYPE_REGISTRY } from '../../../app/itemTypes';
import { usePermissions } from '../../auth/hooks/usePermissions';
import type { KnownPerson } from '../utils/filterModel';
import { auditLogKeys } from './auditLogScope';

/** What choosing a suggestion does: add a token, or put text in the box to go on typing. */
export type SuggestionValue = `tok:${string}` | `set:${string}` | `range:${'today' | '7d' | '30d'}`;

export interface Suggestion {
  value: SuggestionValue;
  group: 'Search' | 'Keys' | 'Actions' | 'Groups' | 'People' | 'Items' | 'Dates';
  label: string;
  hint?: string;
}

const KEYS: { key: string; hint: string }[] = [
  { key: 'action:', hint: 'an action, e.g. license_disabled or license_*' },
  { key: 'group:', hint: 'a group of actions, e.g. licenses' },
  { key: 'actor:', hint: 'who did it: a name or email' },
  { key: 'item:', hint: 'what it was done to: a type, or a name or license key' },
  { key: 'created:', hint: 'when: >=2026-01-01, <2026-02-01' },
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_PER_GROUP = 6;

/**
 * People the viewer can pick: the account's users (for who may list them) and everyone who acted in
 * the entries already loaded.
 */
export function useKnownPeople(): KnownPerson[] {
  const { can } = usePermissions();
  const queryClient = useQueryClient();
  const users = useQuery({
    queryKey: ['filter-people'],
    queryFn: async ({ signal }) => {
      const res = await tsr.platformUsers.list.query({
        query: { limit: 200 },
        fetchOptions: { signal },
      });
      return res.status === 200 ? res.body.items : [];
    },
    enabled: can('settings:users'),
    staleTime: 5 * 60_000,
  });
  return useMemo(() => {
    const byEmail = new Map<string, KnownPerson>();
    for (const u of users.data ?? [])
      byEmail.set(u.email.toLowerCase(), { name: u.name, email: u.email.toLowerCase() });
    for (const [, data] of queryClient.getQueriesData<{ pages: { items: AuditEntry[] }[] }>({
      queryKey: auditLogKeys.all,
    })) {
      for (const page of data?.pages ?? []) {
        for (const e of page.items ?? []) {
          if (e.actor.type === 'platform_user' && e.actor.email && !byEmail.has(e.actor.email)) {
            byEmail.set(e.actor.email, { name: e.actor.name, email: e.actor.email });
          }
        }
      }
    }
    return [...byEmail.values()];
  }, [users.data, queryClient]);
}

/** Items by name or license key, from every item type that can be searched and that the viewer may read. */
function useItemMatches(text: string) {
  const { can } = usePermissions();
  const [debounced] = useDebouncedValue(text.trim(), 200);
  return useQuery({
    queryKey: ['filter-items', debounced],
    queryFn: async ({ signal }) => {
      const types = (Object.keys(ITEM_TYPE_REGISTRY) as ItemType[]).filter((t) => {
        const info = ITEM_TYPE_REGISTRY[t];
        return info.search && (!info.readPermission || can(info.readPermission));
      });
      const found = await Promise.all(
        types.map(async (t) =>
          (await ITEM_TYPE_REGISTRY[t].search!(debounced, signal).catch(() => [])).map((i) => ({
            ...i,
            type: t,
          })),
        ),
      );
      return found.flat();
    },
    enabled: debounced.length >= 2,
    staleTime: 30_000,
  }).data;
}

const has = (hay: string, needle: string) => hay.toLowerCase().includes(needle.toLowerCase());

/** Suggestions for what is being typed: actions and groups by label, people, items, dates. */
export function useFilterSuggestions(draft: string, people: readonly KnownPerson[]): Suggestion[] {
  const d = draft.trim();
  const colon = d.indexOf(':');
  const key = colon > 0 ? d.slice(0, colon).toLowerCase() : '';
  const v = colon > 0 ? d.slice(colon + 1) : d;
  const wantsItems = (key === 'item' || key === '') && v.length >= 2 && !v.includes(':');
  const items = useItemMatches(wantsItems ? v : '');

  return useMemo(() => {
    const out: Suggestion[] = [];
    if (!d) {
      for (const k of KEYS)
        out.push({ value: `set:${k.key}`, group: 'Keys', label: k.key, hint: k.hint });
      return out;
    }
    const any = key === '';
    if (any && !/\s/.test(d)) {
      // Keys that start like the text.
      for (const k of KEYS)
        if (k.key.startsWith(d.toLowerCase()))
          out.push({ value: `set:${k.key}`, group: 'Keys', label: k.key, hint: k.hint });
    }
    if (any || key === 'action') {
      AUDIT_ACTIONS.filter((a) => !v || has(auditActionLabel(a), v) || has(a, v))
        .slice(0, MAX_PER_GROUP)
        .forEach((a) =>
          out.push({
            value: `tok:action:${a}`,
            group: 'Actions',
            label: auditActionLabel(a),
            hint: a,
          }),
        );
    }
    if (any || key === 'group' || key === 'action') {
      AUDIT_ACTION_GROUPS.filter((g) => !v || has(g.label, v) || has(g.id, v))
        .slice(0, MAX_PER_GROUP)
        .forEach((g) =>
          out.push({
            value: `tok:group:${g.id}`,
            group: 'Groups',
            label: g.label,
            hint: `group:${g.id}`,
          }),
        );
    }
    if (any || key === 'actor') {
      people
        .filter((p) => !v || has(p.name, v) || has(p.email, v))
        .slice(0, MAX_PER_GROUP)
        .forEach((p) =>
          out.push({
            value: `tok:actor:${p.email}`,
            group: 'People',
            label: p.name,
            hint: p.email,
          }),
        );
    }
    if (any || key === 'item') {
      (Object.keys(ITEM_TYPE_REGISTRY) as ItemType[])
        .filter((t) => !v || has(ITEM_TYPE_REGISTRY[t].label, v) || has(t, v))
        .slice(0, MAX_PER_GROUP)
        .forEach((t) =>
          out.push({
            value: `tok:item:${t}`,
            group: 'Items',
            label: `Any ${ITEM_TYPE_REGISTRY[t].label.toLowerCase()}`,
            hint: `item:${t}`,
          }),
        );
      for (const i of (wantsItems ? items : undefined) ?? []) {
        out.push({
          value: `tok:item:${i.type}:${i.id}`,
          group: 'Items',
          label: i.label,
          hint: ITEM_TYPE_REGISTRY[i.type].label,
        });
      }
    }
    if (key === 'created' || (any && has('today last days created', v))) {
      out.push({ value: 'range:today', group: 'Dates', label: 'Today' });
      out.push({ value: 'range:7d', group: 'Dates', label: 'Last 7 days' });
      out.push({ value: 'range:30d', group: 'Dates', label: 'Last 30 days' });
    }
    const day = v.replace(/^(>=|<=|>|<|=)/, '');
    if ((key === 'created' || any) && DAY.test(day)) {
      out.push({ value: `tok:created:>=${day}`, group: 'Dates', label: `From ${day}` });
      out.push({ value: `tok:created:<=${day}`, group: 'Dates', label: `Until ${day}` });
      out.push({ value: `tok:created:${day}`, group: 'Dates', label: `On ${day}` });
    }
    return out;
  }, [d, key, v, people, items, wantsItems]);
}
