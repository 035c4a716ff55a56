import { QueryCache, QueryClient } from '@tanstack/react-query';
import { apiErrorStatus } from '../api/errors';
import { tsr } from '../api/tsr';
import { SESSION_QUERY_KEY } from '../features/auth/session';

export function createQueryClient(onUnauthorized: () => void) {
  const queryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.queryKey[0] === 'auth') return;
        const status = apiErrorStatus(error);
        // A session that expires mid-use: any 401 sends the user back to sign in.
        if (status === 401) onUnauthorized();
        // Permissions changed mid-use (an admin edited the user's template): reload the session, so
        // the navigation and the buttons hide what the user may no longer do.
        if (status === 403) void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (count, error) => {
          const status = apiErrorStatus(error);
          return (status === null || status >= 500) && count < 2;
        },
      },
    },
  });
  return tsr.initQueryClient(queryClient);
}

export type AppQueryClient = ReturnType<typeof createQueryClient>;
