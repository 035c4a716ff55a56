import { QueryCache, QueryClient } from '@tanstack/react-query';
import { apiErrorStatus } from '../api/errors';
import { tsr } from '../api/tsr';

export function createQueryClient(onUnauthorized: () => void) {
  const queryClient = new QueryClient({
    queryCache: new QueryCache({
      // A session that expires mid-use: any 401 sends the user back to sign in.
      onError: (error, query) => {
        if (apiErrorStatus(error) === 401 && query.queryKey[0] !== 'auth') onUnauthorized();
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
