export interface LicenseListFilter {
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
