import type { PermissionTemplate } from '@keyledger/contract';
import { useMemo } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { useRefreshItem } from '../../../api/useRefreshItem';

export const permissionTemplateKeys = { all: ['permission-templates'] as const };

export function usePermissionTemplates() {
  const list = useKeysetList(permissionTemplateKeys.all, (cursor) =>
    tsr.permissionTemplates.list.query({ query: { cursor, limit: 100 } }),
  );
  // Deleted ones stay readable by id (for their history) but leave the list.
  const templates = useMemo(() => list.items.filter((x) => x.deletedAt === null), [list.items]);
  return { ...list, items: templates, templates };
}

function useRefreshTemplate() {
  const refreshItem = useRefreshItem();
  return (id: string) => refreshItem('permission_template', id, [permissionTemplateKeys.all]);
}

export function useSaveTemplate() {
  const refresh = useRefreshTemplate();
  const create = tsr.permissionTemplates.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id);
      notifySuccess(`Template "${res.body.name}" created`);
    },
  });
  const update = tsr.permissionTemplates.update.useMutation({
    onSuccess: (res) => refresh(res.body.id),
  });
  const setPermissions = tsr.permissionTemplates.setPermissions.useMutation({
    onSuccess: (res) => refresh(res.body.id),
  });
  return { create, update, setPermissions };
}

export function useRemoveTemplate(onRemoved: () => void) {
  const refresh = useRefreshTemplate();
  return tsr.permissionTemplates.remove.useMutation({
    onSuccess: async (_res, vars) => {
      await refresh(vars.params.id);
      notifySuccess('Template deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the template', error),
  });
}

export type { PermissionTemplate };
