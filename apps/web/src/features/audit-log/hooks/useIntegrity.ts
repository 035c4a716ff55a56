import { tsr } from '../../../api/tsr';

export const integrityKeys = { verify: ['audit-integrity', 'verify'] as const };

/** The account's hash chain, walked by the API, and its latest signed checkpoint. */
export function useIntegrity() {
  return tsr.auditIntegrity.verify.useQuery({
    queryKey: integrityKeys.verify,
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}
