import { Button, Group } from '@mantine/core';
import {
  type AuditLogSearch,
  hasActiveFilters,
  normalizeAuditLogSearch,
} from '../utils/auditLogSearch';
import { ActionsFilter } from './ActionsFilter';
import { ActorFilter } from './ActorFilter';
import { DateRangeFilter } from './DateRangeFilter';
import { ItemTypeFilter } from './ItemTypeFilter';
import { SearchFilter } from './SearchFilter';

interface AuditLogFilterBarProps {
  search: AuditLogSearch;
  onChange: (next: AuditLogSearch) => void;
  /** Why the API refused the filters (an invalid `q`), shown under the search box. */
  searchError?: string | null;
}

/**
 * Every filter of the audit log, controlled by the URL's search params. The fields wrap; the small
 * selects have a max width, so one that wraps to a row of its own does not stretch across the page.
 */
export function AuditLogFilterBar({ search, onChange, searchError }: AuditLogFilterBarProps) {
  const set = (patch: Partial<AuditLogSearch>) =>
    onChange(normalizeAuditLogSearch({ ...search, ...patch }));
  return (
    <Group align="flex-start" gap="sm" component="section" aria-label="Filters">
      <SearchFilter value={search.q} onSubmit={(q) => set({ q })} error={searchError} />
      <ActionsFilter value={search.action} onChange={(action) => set({ action })} />
      <ActorFilter value={search.actor} onChange={(actor) => set({ actor })} />
      <ItemTypeFilter value={search.itemType} onChange={(itemType) => set({ itemType })} />
      <DateRangeFilter
        value={{ range: search.range, from: search.from, to: search.to }}
        onChange={(range) => set({ range: range.range, from: range.from, to: range.to })}
      />
      {hasActiveFilters(search) && (
        <Button variant="subtle" onClick={() => onChange({})} mt={25}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}
