import type { Session } from '@keyledger/contract';
import { useNavigate } from '@tanstack/react-router';
import { rememberCsrfToken } from '../../../api/csrf';
import { tsr } from '../../../api/tsr';
import { safeRedirect } from '../../../app/paths';
import { SESSION_QUERY_KEY } from '../session';

/** After login or signup: cache the session the API answered with and open the app. */
export function useSignedIn() {
  const queryClient = tsr.useQueryClient();
  const navigate = useNavigate();
  return (session: Session, redirect?: string) => {
    rememberCsrfToken(session.csrfToken);
    queryClient.auth.me.setQueryData(SESSION_QUERY_KEY, {
      status: 200,
      body: session,
      headers: new Headers(),
    });
    void navigate({ to: safeRedirect(redirect) });
  };
}
