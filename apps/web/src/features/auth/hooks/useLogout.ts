import { notifications } from '@mantine/notifications';
import { useNavigate } from '@tanstack/react-router';
import { rememberCsrfToken } from '../../../api/csrf';
import { apiErrorMessage, apiErrorStatus } from '../../../api/errors';
import { tsr } from '../../../api/tsr';

/** Revoke the session, forget every cached answer, and go to the sign-in page. */
export function useLogout() {
  const queryClient = tsr.useQueryClient();
  const navigate = useNavigate();
  const finish = () => {
    rememberCsrfToken(null);
    queryClient.clear();
    void navigate({ to: '/login', search: {} });
  };
  return tsr.auth.logout.useMutation({
    onSuccess: finish,
    onError: (error) => {
      // Already signed out elsewhere: the result is the same.
      if (apiErrorStatus(error) === 401) finish();
      else
        notifications.show({
          color: 'red',
          title: 'Could not log out',
          message: apiErrorMessage(error),
        });
    },
  });
}
