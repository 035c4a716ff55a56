import { Group, Stack, Text, Title } from '@mantine/core';
import { getRouteApi } from '@tanstack/react-router';
import { useMemo } from 'react';
import { apiErrorLines, apiErrorStatus } from '../../../api/errors';
import { RouterAnchor } from '../../../components/RouterLinks';
import { ExportButton } from '../../audit-exports/components/ExportButton';
import { useCan } from '../../auth/hooks/usePermissions';
import { useAuditLogEntries } from '../hooks/useAuditLogEntries';
import { type AuditLogSearch, hasActiveFilters, toAuditLogQuery } from '../utils/auditLogSearch';
import { describeAuditSearch } from '../utils/describeAuditSearch';
import { AuditLogFilterBar } from './AuditLogFilterBar';
import { AuditLogTable } from './AuditLogTable';
import { IntegrityBanner } from './IntegrityBanner';

const route = getRouteApi('/_app/settings/audit-logs');

/** Settings > Audit logs: every recorded action in the account, filtered through the URL. */
export function AuditLogPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter = useMemo(() => toAuditLogQuery(search), [search]);
  const { error } = useAuditLogEntries({ kind: 'account', filter });
  const searchError = apiErrorStatus(error) === 400 ? apiErrorLines(error).join(' ') : null;
  const setSearch = (next: AuditLogSearch) => void navigate({ search: next });
  const filtered = hasActiveFilters(search);
  const canExport = useCan('audit_log:export');
  const description = useMemo(
    () => describeAuditSearch(filter, search.action),
    [filter, search.action],
  );

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
      <AuditLogFilterBar search={search} onChange={setSearch} searchError={searchError} />
      {filtered && description && (
        <Text size="sm" c="dimmed" aria-live="polite">
          Filter: {description}.
        </Text>
      )}
      <AuditLogTable
        filter={filter}
        filtered={filtered}
        onClearFilters={() => setSearch({})}
        height="max(360px, calc(100dvh - 360px))"
      />
    </Stack>
  );
}
