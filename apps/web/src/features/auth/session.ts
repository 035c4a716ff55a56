import { rememberCsrfToken } from '../../api/csrf';
import { apiErrorStatus } from '../../api/errors';
import type { AppQueryClient } from '../../app/queryClient';

export const SESSION_QUERY_KEY = ['auth', 'me'] as const;

/** The signed-in session, from the cache or `GET /auth/me`; null when not signed in (401). */
export async function loadSession(queryClient: AppQueryClient) {
  try {
    const res = await queryClient.auth.me.ensureQueryData({ queryKey: SESSION_QUERY_KEY });
    rememberCsrfToken(res.body.csrfToken);
    return res.body;
  } catch (error) {
    if (apiErrorStatus(error) === 401) return null;
    throw error;
  }
}
