import type { AuditEntry, ItemType } from '@keyledger/contract';
import { Group, Stack } from '@mantine/core';
import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { apiErrorLines, apiErrorStatus } from '../../../api/errors';
import { notifyError } from '../../../api/notify';
import { ExportButton } from '../../audit-exports/components/ExportButton';
import { PermissionDenied } from '../../auth/components/PermissionDenied';
import type { AuditLogScope } from '../hooks/auditLogScope';
import { itemTypeLabel } from '../../../app/itemTypes';
import { useAuditLogEntries } from '../hooks/useAuditLogEntries';
import { useNewEntries } from '../hooks/useNewEntries';
import type { AuditLogListFilter } from '../utils/auditLogSearch';
import { AuditLogList, type AuditLogListHandle } from './AuditLogList';
import { AuditLogEmpty, AuditLogError, AuditLogSkeleton } from './AuditLogStates';
import classes from './AuditLogTable.module.css';
import { NewEntriesButton } from './NewEntriesButton';
import { ZoneToggle } from './ZoneToggle';
import { useAuditEntry } from '../hooks/useAuditEntry';
import { useZoneMode, useZoneName } from '../../../app/time';

/** The entry drawer loads when an entry is first opened, not with the list (issue 15's budget). */
const AuditEntryDrawer = lazy(() =>
  import('./AuditEntryDrawer').then((m) => ({ default: m.AuditEntryDrawer })),
);

/** Only an item's history has it; the audit page does not load it. */
const RelatedSwitch = lazy(() => import('./RelatedSwitch'));

export type AuditLogTableProps = {
  /** Height of the scrolling list. */
  height?: number | string;
  /** Whether filters narrow the entries (changes the empty state). */
  filtered?: boolean;
  onClearFilters?: () => void;
  'aria-label'?: string;
  /** The open entry, when the page keeps it (in the URL); otherwise the table keeps it. */
  openEntryId?: string | null;
  onOpenEntry?: (id: string | null) => void;
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

type ItemScope = Extract<AuditLogScope, { kind: 'item' }>;

/** What the item's History shows, as an export filter: with its related items unless switched off. */
export function itemExportFilter(scope: ItemScope): AuditLogListFilter {
  return scope.related
    ? { itemType: scope.itemType, itemId: scope.itemId }
    : { itemType: scope.itemType, itemId: scope.itemId, related: false };
}

export function itemExportDescription(scope: ItemScope): string {
  const what = itemTypeLabel(scope.itemType).toLowerCase();
  return scope.related
    ? `Entries on this ${what} and its related items`
    : `Entries on this ${what} only (without its related items)`;
}

/** Audit entries newest first: virtualized, loading more at the bottom, announcing new ones. */
export function AuditLogTable(props: AuditLogTableProps) {
  const { height = 560, filtered = false, onClearFilters } = props;
  const [related, setRelated] = useState(true);
  const scope = useAuditLogScope(props, related);
  const query = useAuditLogEntries(scope);
  const fresh = useNewEntries(scope, query.data, query.dataUpdatedAt);
  const [ownOpenId, setOwnOpenId] = useState<string | null>(null);
  const controlled = props.onOpenEntry !== undefined;
  const openId = controlled ? (props.openEntryId ?? null) : ownOpenId;
  const setOpenId = controlled ? props.onOpenEntry! : setOwnOpenId;
  const open = useAuditEntry(openId, query.entries);
  // Mounted from the first opening on, so that closing it still slides it out.
  const [drawerUsed, setDrawerUsed] = useState(false);
  if (openId !== null && !drawerUsed) setDrawerUsed(true);
  const [zone] = useZoneMode();
  // The zone's name once the first rows are in (or there are none to wait for).
  const zoneLabel = useZoneName(zone, !query.isPending);
  const columns = [`Time (${zoneLabel})`, 'Action', 'Who', 'Item', 'Changes'];
  const neighbour = (step: 1 | -1) => {
    if (open.index < 0) return null;
    const at = open.index + step;
    if (at < 0) return null;
    if (at < query.entries.length) return () => setOpenId(query.entries[at]!.id);
    if (step === 1 && query.hasNextPage) {
      // The last row of a loaded page: the next page first, then its first entry. A failure
      // says so; an empty page ends the list (the drawer then says there is nothing older).
      return () =>
        void query.fetchNextPage().then((r) => {
          if (r.isError) return notifyError('The older entries could not be loaded', r.error);
          const next = r.data?.pages.flatMap((p) => p.items)[at];
          if (next) setOpenId(next.id);
        });
    }
    return null;
  };
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
        onOpen={(e: AuditEntry) => setOpenId(e.id)}
        selectedId={openId}
        height={height}
        zone={zone}
      />
    );
  }

  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs" mih={28}>
        {scope.kind === 'item' ? (
          <Suspense fallback={<span />}>
            <RelatedSwitch checked={related} onChange={setRelated} />
          </Suspense>
        ) : (
          <span />
        )}
        <Group gap="xs">
          <ZoneToggle />
          <NewEntriesButton count={fresh.count} more={fresh.more} onClick={showNew} />
          {scope.kind === 'item' && (
            <ExportButton
              filter={itemExportFilter(scope)}
              description={itemExportDescription(scope)}
            />
          )}
        </Group>
      </Group>
      <div className={classes.table}>
        <div
          role="table"
          aria-label={props['aria-label'] ?? 'Audit log'}
          aria-rowcount={list ? -1 : 1}
        >
          <div role="rowgroup">
            <div role="row" className={`${classes.row} ${classes.header}`}>
              {columns.map((c) => (
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
      {drawerUsed && (
        <Suspense fallback={null}>
          <AuditEntryDrawer
            opened={openId !== null}
            entry={open.entry}
            notFound={open.notFound}
            onClose={() => setOpenId(null)}
            onPrevious={neighbour(-1)}
            onNext={neighbour(1)}
            position={
              open.index >= 0
                ? { index: open.index, loaded: query.entries.length, more: query.hasNextPage }
                : null
            }
          />
        </Suspense>
      )}
    </Stack>
  );
}
