import type { AuditExport, AuditExportFormat } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import type { AuditLogListFilter } from '../../audit-log/utils/auditLogSearch';

export const EXPORT_POLL_MS = 1000;

export const auditExportKeys = {
  all: ['audit-exports'] as const,
  list: ['audit-exports', 'list'] as const,
  detail: (id: string) => ['audit-exports', 'detail', id] as const,
};

const isDone = (e: AuditExport | undefined) =>
  e?.status === 'completed' || e?.status === 'failed' || e?.status === 'expired';

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
  const list = useKeysetList(
    auditExportKeys.list,
    (cursor) => tsr.auditExports.list.query({ query: { cursor, limit: 50 } }),
    {
      refetchInterval: (pages) =>
        pages.some((p) => p.status === 200 && p.body.items.some((e) => !isDone(e))) ? 2000 : false,
    },
  );
  return { ...list, exports: list.items };
}
