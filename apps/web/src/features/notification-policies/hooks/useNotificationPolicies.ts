import { useMemo } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { useRefreshItem } from '../../../api/useRefreshItem';

export const notificationPolicyKeys = { all: ['notification-policies'] as const };

export function useNotificationPolicies() {
  const list = useKeysetList(notificationPolicyKeys.all, (cursor) =>
    tsr.notificationPolicies.list.query({ query: { cursor, limit: 100 } }),
  );
  // Deleted ones stay readable by id (for their history) but leave the list.
  const policies = useMemo(() => list.items.filter((x) => x.deletedAt === null), [list.items]);
  return { ...list, items: policies, policies };
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
