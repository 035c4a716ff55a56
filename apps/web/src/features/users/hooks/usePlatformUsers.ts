import type { PlatformUser } from '@keyledger/contract';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { auditLogKeys } from '../../audit-log/hooks/auditLogScope';

export const platformUserKeys = { all: ['platform-users'] as const };

export function usePlatformUsers() {
  const list = useKeysetList(platformUserKeys.all, (cursor) =>
    tsr.platformUsers.list.query({ query: { cursor, limit: 100 } }),
  );
  return { ...list, users: list.items };
}

function useRefreshUsers() {
  const queryClient = tsr.useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: platformUserKeys.all }),
      queryClient.invalidateQueries({ queryKey: auditLogKeys.all }),
    ]);
}

export function useSaveUser(onSaved: (user: PlatformUser) => void) {
  const refresh = useRefreshUsers();
  const create = tsr.platformUsers.create.useMutation({
    onSuccess: async (res) => {
      await refresh();
      notifySuccess(`${res.body.name} added`);
      onSaved(res.body);
    },
  });
  const update = tsr.platformUsers.update.useMutation({
    onSuccess: async (res) => {
      await refresh();
      notifySuccess(`${res.body.name} saved`);
      onSaved(res.body);
    },
  });
  return { create, update };
}

export function useRemoveUser(onRemoved: () => void) {
  const refresh = useRefreshUsers();
  return tsr.platformUsers.remove.useMutation({
    onSuccess: async () => {
      await refresh();
      notifySuccess('User removed');
      onRemoved();
    },
    onError: (error) => notifyError('Could not remove the user', error),
  });
}
