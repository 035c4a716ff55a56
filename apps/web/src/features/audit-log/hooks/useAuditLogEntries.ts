import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { type AuditLogScope, auditLogKeys, fetchAuditPage } from './auditLogScope';

export const AUDIT_PAGE_SIZE = 50;
/** How soon a page that shows entries still sealing is read again. */
export const SEALING_REFETCH_MS = 1000;

/**
 * The list query of a scope: the hook below reads it, and the audit route's loader starts it
 * beside the page's code (so the first rows do not wait for the page to mount before being asked for).
 */
export function auditLogEntriesOptions(scope: AuditLogScope) {
  return infiniteQueryOptions({
    queryKey: auditLogKeys.list(scope),
    queryFn: ({ pageParam, signal }) =>
      fetchAuditPage(scope, { cursor: pageParam, limit: AUDIT_PAGE_SIZE, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // New entries are announced by useNewEntries rather than shuffling the list under the reader.
    refetchOnWindowFocus: false,
    // An entry still sealing (committed, no seq yet: a few milliseconds) is read again shortly, sealed.
    refetchInterval: (query) => (query.state.data?.pages[0]?.items.some((e) => e.seq === null) ? SEALING_REFETCH_MS : false),
    staleTime: 60_000,
  });
}

/** The entries of a scope, newest first, one keyset page at a time. */
export function useAuditLogEntries(scope: AuditLogScope) {
  const query = useInfiniteQuery(auditLogEntriesOptions(scope));
  const entries = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  return { ...query, entries };
}
