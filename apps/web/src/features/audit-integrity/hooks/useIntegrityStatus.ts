import type { IntegrityReport, IntegrityVerification } from '@keyledger/contract';
import { tsr } from '../../../api/tsr';

export const integrityKeys = {
  status: ['audit-integrity', 'status'] as const,
  verifications: ['audit-integrity', 'verifications'] as const,
  checkpoints: ['audit-integrity', 'checkpoints'] as const,
};

export const INTEGRITY_POLL_MS = 30_000;
export const VERIFICATION_POLL_MS = 1_000;

export const isActive = (v: IntegrityVerification | null | undefined) => v?.status === 'queued' || v?.status === 'running';

/**
 * The account's stored integrity status (what the worker verified, and any break): read at once,
 * nothing is re-hashed. Polled every 30 s, and every second while a full verification runs.
 */
export function useIntegrityStatus() {
  return tsr.auditIntegrity.verify.useQuery({
    queryKey: integrityKeys.status,
    staleTime: 5_000,
    refetchInterval: (query) => {
      const body = query.state.data?.body as IntegrityReport | undefined;
      return isActive(body?.lastFullVerification) ? VERIFICATION_POLL_MS : INTEGRITY_POLL_MS;
    },
  });
}

/** "Verify now": queue a full re-verification (or get the one already queued or running). */
export function useRequestVerification() {
  const queryClient = tsr.useQueryClient();
  return tsr.auditIntegrity.requestVerification.useMutation({
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: integrityKeys.status });
      await queryClient.invalidateQueries({ queryKey: integrityKeys.verifications });
    },
  });
}

export function useVerifications() {
  return tsr.auditIntegrity.verifications.useQuery({
    queryKey: integrityKeys.verifications,
    queryData: { query: { limit: 10 } },
    staleTime: 5_000,
    refetchInterval: (query) => (query.state.data?.body.items.some(isActive) ? VERIFICATION_POLL_MS : false),
  });
}

export function useCheckpoints() {
  return tsr.auditIntegrity.checkpoints.useQuery({
    queryKey: integrityKeys.checkpoints,
    queryData: { query: { limit: 10 } },
    staleTime: 30_000,
  });
}
