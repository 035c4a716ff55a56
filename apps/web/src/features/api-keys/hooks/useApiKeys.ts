import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';

export const apiKeyKeys = { all: ['api-keys'] as const };

/** The account's API keys, revoked ones included, newest first. */
export function useApiKeys() {
  const query = tsr.apiKeys.list.useInfiniteQuery({
    queryKey: apiKeyKeys.all,
    queryData: ({ pageParam }) => ({
      query: { cursor: pageParam as string | undefined, limit: 100 },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const keys = useMemo(() => query.data?.pages.flatMap((p) => p.body.items) ?? [], [query.data]);
  return { ...query, keys };
}

/** Creates a key; its secret is in the mutation's answer only, never in the list. */
export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return tsr.apiKeys.create.useMutation({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return tsr.apiKeys.revoke.useMutation({
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: apiKeyKeys.all });
      notifySuccess('API key revoked');
    },
    onError: (error) => notifyError('Could not revoke the API key', error),
  });
}
