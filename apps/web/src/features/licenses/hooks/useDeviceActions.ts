import { notifyError, notifySuccess } from '../../../api/notify';
import { tsr } from '../../../api/tsr';
import { useRefreshLicense } from './useLicenseMutations';

/** Device actions: each refreshes the license (activations, devices) and its history. */
export function useDeviceActions(licenseId: string, onBorrowed?: () => void) {
  const refresh = useRefreshLicense();
  const outcome = (done: string, failure: string | null, after?: () => void) => ({
    onSuccess: async () => {
      await refresh(licenseId);
      notifySuccess(done);
      after?.();
    },
    onError: async (error: unknown) => {
      if (failure) notifyError(failure, error);
      await refresh(licenseId);
    },
  });
  return {
    reset: tsr.devices.reset.useMutation(outcome('Device reset', 'Could not reset the device')),
    blacklist: tsr.devices.blacklist.useMutation(
      outcome('Device blacklisted', 'Could not blacklist the device'),
    ),
    borrow: tsr.devices.borrow.useMutation(outcome('Device borrowed', null, onBorrowed)),
    releaseBorrow: tsr.devices.releaseBorrow.useMutation(
      outcome('Borrow released', 'Could not release the borrow'),
    ),
  };
}
