import type { Customer } from '@keyledger/contract';
import { useCallback } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useRefreshItem } from '../../../api/useRefreshItem';
import { customerKeys } from './customerKeys';

export function useRefreshCustomer() {
  const queryClient = tsr.useQueryClient();
  const refreshItem = useRefreshItem();
  return useCallback(
    async (id: string, customer?: Customer) => {
      if (customer)
        queryClient.customers.get.setQueryData(customerKeys.detail(id), {
          status: 200,
          body: customer,
          headers: new Headers(),
        });
      await refreshItem('customer', id, [customerKeys.all]);
    },
    [queryClient, refreshItem],
  );
}

export function useSaveCustomer(onSaved: (customer: Customer) => void) {
  const refresh = useRefreshCustomer();
  const create = tsr.customers.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess(`Customer ${res.body.email} created`);
      onSaved(res.body);
    },
  });
  const update = tsr.customers.update.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess('Customer saved');
      onSaved(res.body);
    },
  });
  return { create, update };
}

export function useRemoveCustomer(id: string, onRemoved: () => void) {
  const queryClient = tsr.useQueryClient();
  const refresh = useRefreshCustomer();
  return tsr.customers.remove.useMutation({
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: customerKeys.detail(id) });
      await refresh(id);
      notifySuccess('Customer deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the customer', error),
  });
}
