import { type InfiniteData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AuditEntryPage } from '@keyledger/contract';
import { useCallback } from 'react';
import { type AuditLogScope, auditLogKeys, fetchAuditPage } from './auditLogScope';

export const POLL_INTERVAL_MS = 10_000;
const HEAD_SIZE = 50;

/**
 * Polls the newest page every 10 s and counts the entries above the list's top one (seq grows
 * with every entry of an account). `showNew` reloads the list from the top.
 */
export function useNewEntries(
  scope: AuditLogScope,
  list: InfiniteData<AuditEntryPage> | undefined,
  listUpdatedAt: number,
) {
  const queryClient = useQueryClient();
  const firstPage = list?.pages[0];
  // The newest sealed entry the list shows; entries still sealing (no seq yet) count as new unless shown.
  const topSeq = firstPage?.items.find((e) => e.seq !== null)?.seq ?? 0;
  const shown = new Set(firstPage?.items.filter((e) => e.seq === null).map((e) => e.id));
  const head = useQuery({
    queryKey: auditLogKeys.head(scope, topSeq),
    queryFn: ({ signal }) => fetchAuditPage(scope, { limit: HEAD_SIZE, signal }),
    enabled: firstPage !== undefined,
    // Start from the page the list already has, so the first poll waits a full interval.
    initialData: firstPage,
    initialDataUpdatedAt: listUpdatedAt,
    staleTime: POLL_INTERVAL_MS,
    refetchInterval: POLL_INTERVAL_MS,
    refetchOnWindowFocus: true,
  });
  const fresh = head.data?.items.filter((e) => (e.seq === null ? !shown.has(e.id) : e.seq > topSeq)) ?? [];
  const count = fresh.length;
  const more = count === HEAD_SIZE && head.data?.nextCursor != null;

  const showNew = useCallback(
    () => queryClient.resetQueries({ queryKey: auditLogKeys.list(scope), exact: true }),
    [queryClient, scope],
  );
  return { count, more, showNew };
}
