import type { Product } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';
import { notifyError, notifySuccess } from '../../../api/notify';
import { auditLogKeys } from '../../audit-log/hooks/auditLogScope';
import { productKeys } from './productKeys';

/** After any change: the product, the lists, and its history table all refetch. */
function useRefreshProduct() {
  const queryClient = tsr.useQueryClient();
  return async (id: string, product?: Product) => {
    if (product)
      queryClient.products.get.setQueryData(productKeys.detail(id), {
        status: 200,
        body: product,
        headers: new Headers(),
      });
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: productKeys.all }),
      queryClient.invalidateQueries({ queryKey: auditLogKeys.item('product', id) }),
      queryClient.invalidateQueries({ queryKey: auditLogKeys.all, refetchType: 'none' }),
    ]);
  };
}

type StateAction = 'activate' | 'deactivate' | 'archive' | 'unarchive';

const DONE: Record<StateAction, string> = {
  activate: 'Product activated',
  deactivate: 'Product deactivated',
  archive: 'Product archived',
  unarchive: 'Product unarchived',
};

/** Activate, deactivate, archive, unarchive: one mutation each, errors (409s) as notifications. */
export function useProductStateActions(id: string) {
  const refresh = useRefreshProduct();
  const options = (action: StateAction) => ({
    onSuccess: async (res: { body: Product }) => {
      await refresh(id, res.body);
      notifySuccess(DONE[action]);
    },
    onError: async (error: unknown) => {
      notifyError(`Could not ${action} the product`, error);
      // A 409 means the page was out of date: show the product as it is now.
      await refresh(id);
    },
  });
  return {
    activate: tsr.products.activate.useMutation(options('activate')),
    deactivate: tsr.products.deactivate.useMutation(options('deactivate')),
    archive: tsr.products.archive.useMutation(options('archive')),
    unarchive: tsr.products.unarchive.useMutation(options('unarchive')),
  };
}

export function useRemoveProduct(id: string, onRemoved: () => void) {
  const queryClient = tsr.useQueryClient();
  const refresh = useRefreshProduct();
  return tsr.products.remove.useMutation({
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: productKeys.detail(id) });
      await refresh(id);
      notifySuccess('Product deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the product', error),
  });
}

export function useSaveProduct(onSaved: (product: Product) => void) {
  const refresh = useRefreshProduct();
  const create = tsr.products.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess(`Product "${res.body.name}" created`);
      onSaved(res.body);
    },
  });
  const update = tsr.products.update.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess('Product saved');
      onSaved(res.body);
    },
  });
  return { create, update };
}
