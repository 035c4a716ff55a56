import { Button, Group, Stack } from '@mantine/core';
import { useKnownPeople } from '../hooks/useFilterSuggestions';
import {
  type AuditLogSearch,
  hasActiveFilters,
  normalizeAuditLogSearch,
} from '../utils/auditLogSearch';
import { ActionsFilter } from './ActionsFilter';
import { ActorFilter } from './ActorFilter';
import { DateRangeFilter } from './DateRangeFilter';
import { ItemTypeFilter } from './ItemTypeFilter';
import { QueryBar } from './QueryBar';

interface AuditLogFilterBarProps {
  search: AuditLogSearch;
  onChange: (next: AuditLogSearch) => void;
}

/**
 * Every filter of the audit log, one model: the query bar's chips and the dropdowns below it show
 * the same URL search params, so a condition typed in the bar shows in its dropdown and a dropdown
 * choice shows as a chip. The open entry (`entry`) is kept as filters change.
 */
export function AuditLogFilterBar({ search, onChange }: AuditLogFilterBarProps) {
  const people = useKnownPeople();
  const set = (patch: Partial<AuditLogSearch>) =>
    onChange(normalizeAuditLogSearch({ ...search, ...patch }));
  return (
    <Stack gap="xs" component="section" aria-label="Filters">
      <QueryBar search={search} onChange={onChange} people={people} />
      <Group align="flex-start" gap="sm">
        <ActionsFilter value={search.action} onChange={(action) => set({ action })} />
        <ActorFilter value={search.actor} people={people} onChange={(actor) => set({ actor })} />
        <ItemTypeFilter
          value={search.itemType}
          onChange={(itemType) =>
            set({ itemType, itemId: itemType === search.itemType ? search.itemId : undefined })
          }
        />
        <DateRangeFilter
          value={{ range: search.range, from: search.from, to: search.to }}
          onChange={(range) => set({ range: range.range, from: range.from, to: range.to })}
        />
        {hasActiveFilters(search) && (
          <Button
            variant="subtle"
            onClick={() => onChange(normalizeAuditLogSearch({ entry: search.entry }))}
            mt={25}
          >
            Clear filters
          </Button>
        )}
      </Group>
    </Stack>
  );
}
