import type { License, LicenseType } from '@keyledger/contract';
import { Badge } from '@mantine/core';

export const LICENSE_TYPE_LABELS: Record<LicenseType, string> = {
  perpetual: 'Perpetual',
  time_limited: 'Time-limited',
  consumption: 'Consumption',
  subscription: 'Subscription',
};

export function licenseStatus(license: License, now = Date.now()): string {
  if (license.deletedAt) return 'Deleted';
  if (!license.enabled) return 'Disabled';
  if (license.validUntil && Date.parse(license.validUntil) < now) return 'Expired';
  return 'Enabled';
}

const COLORS: Record<string, string> = {
  Deleted: 'red',
  Disabled: 'gray',
  Expired: 'orange',
  Enabled: 'green',
};

export function LicenseStatusBadge({ license }: { license: License }) {
  const status = licenseStatus(license);
  return (
    <Badge color={COLORS[status]} variant="light">
      {status}
    </Badge>
  );
}
