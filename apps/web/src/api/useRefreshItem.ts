import type { ItemType } from '@keyledger/contract';
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { auditLogKeys } from '../features/audit-log/hooks/auditLogScope';

/**
 * After a change to an item: its queries refetch, its history table refetches (so the new entry
 * shows), and every other audit table is marked stale (related items' histories include it too).
 */
export function useRefreshItem() {
  const queryClient = useQueryClient();
  return useCallback(
    (itemType: ItemType, id: string, keys: QueryKey[]) =>
      Promise.all([
        ...keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })),
        queryClient.invalidateQueries({ queryKey: auditLogKeys.item(itemType, id) }),
        queryClient.invalidateQueries({ queryKey: auditLogKeys.all, refetchType: 'none' }),
      ]),
    [queryClient],
  );
}
