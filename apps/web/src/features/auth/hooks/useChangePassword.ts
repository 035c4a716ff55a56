import { tsr } from '../../../api/tsr';

/** The signed-in user's own password; the API ends their other sessions and keeps this one. */
export function useChangePassword() {
  return tsr.auth.changePassword.useMutation();
}
