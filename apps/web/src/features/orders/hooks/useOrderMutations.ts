import type { Order } from '@keyledger/contract';
import { useCallback } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useRefreshItem } from '../../../api/useRefreshItem';
import { orderKeys } from './orderKeys';

export function useRefreshOrder() {
  const queryClient = tsr.useQueryClient();
  const refreshItem = useRefreshItem();
  return useCallback(
    async (id: string, order?: Order) => {
      if (order)
        queryClient.orders.get.setQueryData(orderKeys.detail(id), {
          status: 200,
          body: order,
          headers: new Headers(),
        });
      await refreshItem('order', id, [orderKeys.all]);
    },
    [queryClient, refreshItem],
  );
}

export function useSaveOrder(onSaved: (order: Order) => void) {
  const refresh = useRefreshOrder();
  const create = tsr.orders.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess(`Order ${res.body.reference} created`);
      onSaved(res.body);
    },
  });
  const update = tsr.orders.update.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess('Order saved');
      onSaved(res.body);
    },
  });
  return { create, update };
}

export function useOrderManagers(id: string, onAdded: () => void) {
  const refresh = useRefreshOrder();
  const addManager = tsr.orders.addManager.useMutation({
    onSuccess: async (res) => {
      await refresh(id, res.body);
      notifySuccess('Manager added');
      onAdded();
    },
  });
  const removeManager = tsr.orders.removeManager.useMutation({
    onSuccess: async (res) => {
      await refresh(id, res.body);
      notifySuccess('Manager removed');
    },
    onError: async (error) => {
      notifyError('Could not remove the manager', error);
      await refresh(id);
    },
  });
  return { addManager, removeManager };
}

export function useRemoveOrder(id: string, onRemoved: () => void) {
  const queryClient = tsr.useQueryClient();
  const refresh = useRefreshOrder();
  return tsr.orders.remove.useMutation({
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: orderKeys.detail(id) });
      await refresh(id);
      notifySuccess('Order deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the order', error),
  });
}
