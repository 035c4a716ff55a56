import { tsr } from '../../../api/tsr';
import { SESSION_QUERY_KEY } from '../session';

/** The signed-in user and account (the app layout has already made sure there is one). */
export function useSession() {
  const query = tsr.auth.me.useQuery({
    queryKey: SESSION_QUERY_KEY,
    staleTime: Infinity,
    retry: false,
  });
  return query.data?.body ?? null;
}
