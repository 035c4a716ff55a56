import { useMemo } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useRefreshItem } from '../../../api/useRefreshItem';

export const notificationPolicyKeys = { all: ['notification-policies'] as const };

export function useNotificationPolicies() {
  const query = tsr.notificationPolicies.list.useInfiniteQuery({
    queryKey: notificationPolicyKeys.all,
    queryData: ({ pageParam }) => ({
      query: { cursor: pageParam as string | undefined, limit: 100 },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const policies = useMemo(
    () => query.data?.pages.flatMap((p) => p.body.items).filter((p) => p.deletedAt === null) ?? [],
    [query.data],
  );
  return { ...query, policies };
}

function useRefreshPolicy() {
  const refreshItem = useRefreshItem();
  return (id: string) => refreshItem('notification_policy', id, [notificationPolicyKeys.all]);
}

export function useSavePolicy(onSaved: () => void) {
  const refresh = useRefreshPolicy();
  const create = tsr.notificationPolicies.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id);
      notifySuccess(`Policy "${res.body.name}" created`);
      onSaved();
    },
  });
  const update = tsr.notificationPolicies.update.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id);
      notifySuccess('Policy saved');
      onSaved();
    },
  });
  return { create, update };
}

export function useRemovePolicy(onRemoved: () => void) {
  const refresh = useRefreshPolicy();
  return tsr.notificationPolicies.remove.useMutation({
    onSuccess: async (_res, vars) => {
      await refresh(vars.params.id);
      notifySuccess('Policy deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the policy', error),
  });
}
