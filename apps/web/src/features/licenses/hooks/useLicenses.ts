import { useMemo } from 'react';
import { tsr } from '../../../api/tsr';
import { type LicenseListFilter, licenseKeys } from './licenseKeys';

const PAGE_SIZE = 50;

export function useLicenses(filter: LicenseListFilter) {
  const query = tsr.licenses.list.useInfiniteQuery({
    queryKey: licenseKeys.list(filter),
    queryData: ({ pageParam }) => ({
      query: { ...filter, cursor: pageParam as string | undefined, limit: PAGE_SIZE },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const licenses = useMemo(
    () => query.data?.pages.flatMap((p) => p.body.items) ?? [],
    [query.data],
  );
  return { ...query, licenses };
}

export function useLicense(id: string) {
  return tsr.licenses.get.useQuery({
    queryKey: licenseKeys.detail(id),
    queryData: { params: { id } },
  });
}

export function useLicenseDevices(id: string) {
  const query = tsr.devices.listForLicense.useInfiniteQuery({
    queryKey: licenseKeys.devices(id),
    queryData: ({ pageParam }) => ({
      params: { id },
      query: { cursor: pageParam as string | undefined, limit: 100 },
    }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: { body: { nextCursor: string | null } }) =>
      last.body.nextCursor ?? undefined,
  });
  const devices = useMemo(
    () => query.data?.pages.flatMap((p) => p.body.items) ?? [],
    [query.data],
  );
  return { ...query, devices };
}
