import type { AuditEntry, ItemType } from '@keyledger/contract';
import { Group, Stack, Switch } from '@mantine/core';
import { useMemo, useRef, useState } from 'react';
import { apiErrorLines, apiErrorStatus } from '../../../api/errors';
import { ExportButton } from '../../audit-exports/components/ExportButton';
import { PermissionDenied } from '../../auth/components/PermissionDenied';
import type { AuditLogScope } from '../hooks/auditLogScope';
import { itemTypeLabel } from '../../../app/itemTypes';
import { useAuditLogEntries } from '../hooks/useAuditLogEntries';
import { useNewEntries } from '../hooks/useNewEntries';
import type { AuditLogListFilter } from '../utils/auditLogSearch';
import { AuditEntryDrawer } from './AuditEntryDrawer';
import { AuditLogList, type AuditLogListHandle } from './AuditLogList';
import { AuditLogEmpty, AuditLogError, AuditLogSkeleton } from './AuditLogStates';
import classes from './AuditLogTable.module.css';
import { NewEntriesButton } from './NewEntriesButton';

export type AuditLogTableProps = {
  /** Height of the scrolling list. */
  height?: number | string;
  /** Whether filters narrow the entries (changes the empty state). */
  filtered?: boolean;
  onClearFilters?: () => void;
  'aria-label'?: string;
} & (
  | {
      /** One item's history, at the bottom of its page. */ itemType: ItemType;
      itemId: string;
      filter?: never;
    }
  | {
      /** The whole account, filtered. */ filter: AuditLogListFilter;
      itemType?: never;
      itemId?: never;
    }
);

const COLUMNS = ['Time', 'Action', 'Who', 'Item', 'Changes'];

export function useAuditLogScope(props: AuditLogTableProps, related: boolean): AuditLogScope {
  const { itemType, itemId, filter } = props;
  return useMemo<AuditLogScope>(
    () =>
      itemType !== undefined && itemId !== undefined
        ? { kind: 'item', itemType, itemId, related }
        : { kind: 'account', filter: filter ?? {} },
    [itemType, itemId, filter, related],
  );
}

/** Audit entries newest first: virtualized, loading more at the bottom, announcing new ones. */
export function AuditLogTable(props: AuditLogTableProps) {
  const { height = 560, filtered = false, onClearFilters } = props;
  const [related, setRelated] = useState(true);
  const scope = useAuditLogScope(props, related);
  const query = useAuditLogEntries(scope);
  const fresh = useNewEntries(scope, query.data, query.dataUpdatedAt);
  const [openEntry, setOpenEntry] = useState<AuditEntry | null>(null);
  const listRef = useRef<AuditLogListHandle>(null);

  const showNew = () => {
    listRef.current?.scrollToTop();
    void fresh.showNew();
  };

  let state = null;
  let list = null;
  if (query.isPending) {
    state = <AuditLogSkeleton />;
  } else if (query.isError && apiErrorStatus(query.error) === 403) {
    state = (
      <Stack p="md">
        <PermissionDenied error={query.error} />
      </Stack>
    );
  } else if (query.isError) {
    const invalid = apiErrorStatus(query.error) === 400;
    state = (
      <AuditLogError
        message={(invalid ? ['These filters are not valid:'] : [])
          .concat(apiErrorLines(query.error))
          .join(' ')}
        onRetry={invalid ? undefined : () => void query.refetch()}
      />
    );
  } else if (query.entries.length === 0) {
    state = <AuditLogEmpty filtered={filtered} onClearFilters={onClearFilters} />;
  } else {
    list = (
      <AuditLogList
        ref={listRef}
        entries={query.entries}
        hasNextPage={query.hasNextPage}
        isFetchingNextPage={query.isFetchingNextPage}
        fetchNextPage={() => void query.fetchNextPage()}
        onOpen={setOpenEntry}
        height={height}
      />
    );
  }

  return (
    <Stack gap="xs">
      {(scope.kind === 'item' || fresh.count > 0) && (
        <Group justify="space-between" gap="xs" mih={28}>
          {scope.kind === 'item' ? (
            <Switch
              label="Include related items"
              checked={related}
              onChange={(e) => setRelated(e.currentTarget.checked)}
            />
          ) : (
            <span />
          )}
          <Group gap="xs">
            <NewEntriesButton count={fresh.count} more={fresh.more} onClick={showNew} />
            {scope.kind === 'item' && (
              <ExportButton
                filter={{ itemType: scope.itemType, itemId: scope.itemId }}
                description={`Entries on this ${itemTypeLabel(scope.itemType).toLowerCase()} (without its related items)`}
              />
            )}
          </Group>
        </Group>
      )}
      <div className={classes.table}>
        <div
          role="table"
          aria-label={props['aria-label'] ?? 'Audit log'}
          aria-rowcount={list ? -1 : 1}
        >
          <div role="rowgroup">
            <div role="row" className={`${classes.row} ${classes.header}`}>
              {COLUMNS.map((c) => (
                <div role="columnheader" key={c} className={classes.cell}>
                  {c}
                </div>
              ))}
            </div>
          </div>
          {list}
        </div>
        {state}
      </div>
      <AuditEntryDrawer entry={openEntry} onClose={() => setOpenEntry(null)} />
    </Stack>
  );
}
