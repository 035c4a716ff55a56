import { type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

/** A ts-rest answer of a keyset-paged list route: `{ items, nextCursor }` on 200. */
type Answer = { status: number; body: unknown; headers?: Headers };
type ItemOf<R> = Extract<R, { status: 200 }> extends { body: { items: (infer T)[] } } ? T : never;

/** A keyset list as pages, flattened to `items`, with what a list page needs to load more. */
export interface KeysetList<T> {
  items: T[];
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => Promise<unknown>;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * The one keyset-list hook: pages of a list route (`?cursor=…&limit=…` → `{ items, nextCursor }`)
 * fetched through the typed client, newest page last. `fetchPage(cursor)` calls the route, e.g.
 * `(cursor) => tsr.products.list.query({ query: { search, cursor, limit: 50 } })`; a non-2xx answer
 * is thrown as it came, so the error states read it like any other API error.
 */
export function useKeysetList<R extends Answer>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined) => Promise<R>,
  options: {
    enabled?: boolean;
    /** Poll while the pages say so (e.g. an export is still running): ms, or false to stop. */
    refetchInterval?: (pages: R[]) => number | false;
  } = {},
): KeysetList<ItemOf<R>> & { data: { pages: R[] } | undefined } {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: async ({ pageParam }) => {
      const res = await fetchPage(pageParam);
      if (res.status < 200 || res.status >= 300) throw res;
      return res;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: R) =>
      (last.body as { nextCursor?: string | null }).nextCursor ?? undefined,
    enabled: options.enabled,
    refetchInterval: options.refetchInterval
      ? (q) => options.refetchInterval!(q.state.data?.pages ?? [])
      : undefined,
  });
  const items = useMemo(
    () => query.data?.pages.flatMap((p) => (p.body as { items: ItemOf<R>[] }).items) ?? [],
    [query.data],
  );
  return {
    items,
    data: query.data,
    isPending: query.isPending,
    isError: query.isError,
    error: query.error,
    refetch: query.refetch,
    hasNextPage: query.hasNextPage,
    isFetchingNextPage: query.isFetchingNextPage,
    fetchNextPage: query.fetchNextPage,
  };
}
