import type { License } from '@keyledger/contract';
import { useCallback } from 'react';
import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useRefreshItem } from '../../../api/useRefreshItem';
import { licenseKeys } from './licenseKeys';

/** After any change: the license, its devices, the lists, and its history table all refetch. */
export function useRefreshLicense() {
  const queryClient = tsr.useQueryClient();
  const refreshItem = useRefreshItem();
  return useCallback(
    async (id: string, license?: License) => {
      if (license)
        queryClient.licenses.get.setQueryData(licenseKeys.detail(id), {
          status: 200,
          body: license,
          headers: new Headers(),
        });
      await refreshItem('license', id, [licenseKeys.all]);
    },
    [queryClient, refreshItem],
  );
}

/**
 * Options for a mutation answering with the license: refresh and say so; on failure refresh too
 * (a 409 means the page was out of date), and notify unless a form shows the error itself.
 */
function useLicenseOutcome(id: string) {
  const refresh = useRefreshLicense();
  return (done: string, failure: string | null, after?: () => void) => ({
    onSuccess: async (res: { body: License }) => {
      await refresh(id, res.body);
      notifySuccess(done);
      after?.();
    },
    onError: async (error: unknown) => {
      if (failure) notifyError(failure, error);
      await refresh(id);
    },
  });
}

/** The license actions of its page's buttons: errors as notifications. */
export function useLicenseActions(id: string) {
  const outcome = useLicenseOutcome(id);
  return {
    reset: tsr.licenses.reset.useMutation(outcome('License reset', 'Could not reset the license')),
    disable: tsr.licenses.disable.useMutation(
      outcome('License disabled', 'Could not disable the license'),
    ),
    enable: tsr.licenses.enable.useMutation(
      outcome('License enabled', 'Could not enable the license'),
    ),
    resetConsumption: tsr.licenses.resetConsumption.useMutation(
      outcome('Consumption reset', 'Could not reset the consumption'),
    ),
    unassignUser: tsr.licenses.unassignUser.useMutation(
      outcome('User unassigned', 'Could not unassign the user'),
    ),
    deleteCustomField: tsr.licenses.deleteCustomField.useMutation(
      outcome('Custom field deleted', 'Could not delete the custom field'),
    ),
  };
}

/** The license changes made through a form: the form shows errors, `onDone` closes it. */
export function useLicenseForms(id: string, onDone: () => void) {
  const outcome = useLicenseOutcome(id);
  return {
    update: tsr.licenses.update.useMutation(outcome('License saved', null, onDone)),
    assignUser: tsr.licenses.assignUser.useMutation(outcome('User assigned', null, onDone)),
    setFeatures: tsr.licenses.setFeatures.useMutation(outcome('Features saved', null, onDone)),
    createCustomField: tsr.licenses.createCustomField.useMutation(
      outcome('Custom field added', null, onDone),
    ),
    updateCustomField: tsr.licenses.updateCustomField.useMutation(
      outcome('Custom field saved', null, onDone),
    ),
  };
}

export function useCreateLicense(onCreated: (license: License) => void) {
  const refresh = useRefreshLicense();
  return tsr.licenses.create.useMutation({
    onSuccess: async (res) => {
      await refresh(res.body.id, res.body);
      notifySuccess('License issued');
      onCreated(res.body);
    },
  });
}

export function useRemoveLicense(id: string, onRemoved: () => void) {
  const queryClient = tsr.useQueryClient();
  const refresh = useRefreshLicense();
  return tsr.licenses.remove.useMutation({
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: licenseKeys.detail(id) });
      await refresh(id);
      notifySuccess('License deleted');
      onRemoved();
    },
    onError: (error) => notifyError('Could not delete the license', error),
  });
}
