import { tsr } from '../../../api/tsr';
import { useKeysetList } from '../../../components/list/useKeysetList';
import { type LicenseListFilter, licenseKeys } from './licenseKeys';

const PAGE_SIZE = 50;

export function useLicenses(filter: LicenseListFilter) {
  const list = useKeysetList(licenseKeys.list(filter), (cursor) =>
    tsr.licenses.list.query({ query: { ...filter, cursor, limit: PAGE_SIZE } }),
  );
  return { ...list, licenses: list.items };
}

export function useLicense(id: string) {
  return tsr.licenses.get.useQuery({
    queryKey: licenseKeys.detail(id),
    queryData: { params: { id } },
  });
}

export function useLicenseDevices(id: string) {
  const list = useKeysetList(licenseKeys.devices(id), (cursor) =>
    tsr.devices.listForLicense.query({ params: { id }, query: { cursor, limit: 100 } }),
  );
  return { ...list, devices: list.items };
}
