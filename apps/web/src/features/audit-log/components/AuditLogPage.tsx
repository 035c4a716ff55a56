import { type AuditAction, resolveAuditFilter } from '@keyledger/contract';
import { Alert, Group, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useZoneMode } from '../../../app/time';
import { RouterAnchor } from '../../../components/RouterLinks';
import { ExportButton } from '../../audit-exports/components/ExportButton';
import { useCan } from '../../auth/hooks/usePermissions';
import {
  type AuditLogSearch,
  filterPart,
  hasActiveFilters,
  normalizeAuditLogSearch,
  clearDroppedFromLink,
  droppedFromLink,
  toAuditLogQuery,
} from '../utils/auditLogSearch';
import { describeAuditSearch } from '../utils/describeAuditSearch';
import { AuditLogFilterBar } from './AuditLogFilterBar';
import { AuditLogTable } from './AuditLogTable';
import { IntegrityBanner } from './IntegrityBanner';

const route = getRouteApi('/_app/settings/audit-logs');

/** Settings > Audit logs: every recorded action in the account, filtered through the URL. */
export function AuditLogPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [zone] = useZoneMode();
  const filters = useMemo(() => filterPart(search), [search]);
  const filter = useMemo(() => toAuditLogQuery(filters, new Date(), zone), [filters, zone]);
  const setSearch = (next: AuditLogSearch, replace = false) => {
    clearDroppedFromLink();
    void navigate({ search: normalizeAuditLogSearch(next), replace });
  };
  const filtered = hasActiveFilters(search);
  const canExport = useCan('audit_log:export');
  const description = useMemo(
    () => describeAuditSearch(filter, filters.action as AuditAction[] | undefined, zone),
    [filter, filters.action, zone],
  );
  const maskedKeys = useMemo(() => {
    const r = resolveAuditFilter({ q: filter.q });
    return r.ok ? (r.value.maskedKeys ?? []) : [];
  }, [filter.q]);

  // An old or hand-edited link: what no longer parses was dropped; say so, and clean the URL. Only
  // the URL the page was opened with is checked: the app's own navigations write clean params.
  // Read, not taken: the page may mount twice for one link. Cleared once the viewer moves on.
  const [dropped, setDroppedState] = useState<string[]>(() => droppedFromLink.current);
  const setDropped = (list: string[]) => {
    if (list.length === 0) clearDroppedFromLink();
    setDroppedState(list);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            Audit logs
          </Title>
          <Text c="dimmed" size="sm">
            Every essential action taken in this account, and who took it.
          </Text>
        </div>
        <Group gap="sm">
          {canExport && (
            <RouterAnchor to="/settings/audit-logs/exports" size="sm">
              Past exports
            </RouterAnchor>
          )}
          <ExportButton
            filter={filter}
            description={
              filtered && description ? `Entries matching: ${description}` : 'All entries'
            }
          />
        </Group>
      </Group>
      <IntegrityBanner />
      {dropped.length > 0 && (
        <Alert
          color="yellow"
          variant="light"
          withCloseButton
          onClose={() => setDropped([])}
          closeButtonLabel="Dismiss"
          role="status"
          title="Part of this link was ignored"
        >
          It is outdated or not valid: {dropped.join('; ')}. The rest of the filters apply.
        </Alert>
      )}
      <AuditLogFilterBar search={search} onChange={(next) => setSearch(next)} />
      {filtered && description && (
        <Text size="sm" c="dimmed" aria-live="polite" data-testid="filter-summary">
          Filter: {description}.
        </Text>
      )}
      {maskedKeys.length > 0 && (
        <Text size="sm" c="dimmed" role="note">
          Audit entries never hold full license keys, so{' '}
          {maskedKeys.map((k) => `${k.key} is matched as ${k.masked}`).join(', ')}.
        </Text>
      )}
      <AuditLogTable
        filter={filter}
        filtered={filtered}
        onClearFilters={() => setSearch({ entry: search.entry })}
        openEntryId={search.entry ?? null}
        onOpenEntry={(entry) => setSearch({ ...search, entry: entry ?? undefined })}
        height="max(360px, calc(100dvh - 420px))"
      />
    </Stack>
  );
}
