import { useQueryClient } from '@tanstack/react-query';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';

export const apiKeyKeys = { all: ['api-keys'] as const };

/** The account's API keys, revoked ones included, newest first. */
export function useApiKeys() {
  const list = useKeysetList(apiKeyKeys.all, (cursor) =>
    tsr.apiKeys.list.query({ query: { cursor, limit: 100 } }),
  );
  return { ...list, keys: list.items };
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
