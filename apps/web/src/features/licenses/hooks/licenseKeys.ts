export interface LicenseListFilter {
  /** A full license key, part of one, or its masked form. */
  key?: string;
  orderId?: string;
  productId?: string;
  customerId?: string;
}

export const licenseKeys = {
  all: ['licenses'] as const,
  list: (filter: LicenseListFilter) => ['licenses', 'list', filter] as const,
  detail: (id: string) => ['licenses', 'detail', id] as const,
  devices: (id: string) => ['licenses', 'devices', id] as const,
};
