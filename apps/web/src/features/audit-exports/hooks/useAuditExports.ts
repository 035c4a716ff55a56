import type { AuditExport, AuditExportFormat } from '@keyledger/contract';
import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import type { AuditLogListFilter } from '../../audit-log/utils/auditLogSearch';

export const EXPORT_POLL_MS = 1000;

export const auditExportKeys = {
  all: ['audit-exports'] as const,
  list: ['audit-exports', 'list'] as const,
  detail: (id: string) => ['audit-exports', 'detail', id] as const,
};

const isDone = (e: AuditExport | undefined) => e?.status === 'completed' || e?.status === 'failed' || e?.status === 'expired';

/** Queue an export of the entries a filter matches. */
export function useCreateExport() {
  const queryClient = tsr.useQueryClient();
  return tsr.auditExports.create.useMutation({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: auditExportKeys.list }),
  });
}

export function createExportBody(format: AuditExportFormat, filter: AuditLogListFilter) {
  return { format, filter };
}

/** One export, polled every second until it completes or fails. */
export function useAuditExport(id: string) {
  return tsr.auditExports.get.useQuery({
    queryKey: auditExportKeys.detail(id),
    queryData: { params: { id } },
    staleTime: 0,
    refetchInterval: (query) => (isDone(query.state.data?.body) ? false : EXPORT_POLL_MS),
  });
}

/** Past exports, newest first; polled while one of them is still running. */
export function useAuditExports() {
  const query = tsr.auditExports.list.useInfiniteQuery({
    queryKey: auditExportKeys.list,
    queryData: ({ pageParam }) => ({
      query: { cursor: pageParam as string | undefined, limit: 50 },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
    refetchInterval: (q: { state: { data?: { pages: { body: { items?: AuditExport[] } }[] } } }) =>
      q.state.data?.pages.some((p) => p.body.items?.some((e) => !isDone(e))) ? 2000 : false,
  });
  const exports = useMemo(() => query.data?.pages.flatMap((p) => p.body.items) ?? [], [query.data]);
  return { ...query, exports };
}
