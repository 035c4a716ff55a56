import type { AuditEntry } from '@keyledger/contract';
import { useQuery } from '@tanstack/react-query';
import { tsr } from '../../../api/tsr';

/**
 * The entry an entry link names: taken from the loaded list when it is there, otherwise fetched
 * by id (`GET /audit-log/entries/:id`), so a link to an old entry opens too.
 */
export function useAuditEntry(id: string | null, loaded: readonly AuditEntry[]) {
  const inList = id ? (loaded.find((e) => e.id === id) ?? null) : null;
  const fetched = useQuery({
    queryKey: ['audit-log', 'entry', id],
    queryFn: async ({ signal }) => {
      const res = await tsr.auditLog.get.query({ params: { id: id! }, fetchOptions: { signal } });
      if (res.status === 404) return null;
      if (res.status !== 200) throw res;
      return res.body;
    },
    enabled: id !== null && inList === null,
    staleTime: Infinity,
    retry: false,
  });
  return {
    entry: inList ?? fetched.data ?? null,
    notFound: id !== null && inList === null && fetched.data === null,
    isLoading: id !== null && inList === null && fetched.isPending,
    index: inList ? loaded.indexOf(inList) : -1,
  };
}

/** The URL of an entry: the audit page with the entry open. */
export function entryUrl(id: string, origin: string = globalThis.location?.origin ?? ''): string {
  return `${origin}/settings/audit-logs?entry=${id}`;
}
