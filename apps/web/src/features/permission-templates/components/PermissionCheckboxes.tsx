import { PERMISSIONS, type Permission } from '@keyledger/contract';
import { Checkbox, SimpleGrid } from '@mantine/core';

const AREA_LABELS: Record<string, string> = {
  products: 'Products',
  customers: 'Customers',
  orders: 'Orders',
  licenses: 'Licenses',
  devices: 'Devices',
  audit_log: 'Audit log',
  settings: 'Settings',
};

const ACTION_LABELS: Record<string, string> = {
  read: 'view',
  write: 'change',
  export: 'export',
  users: 'manage users',
  templates: 'manage permission templates',
  notifications: 'manage notification policies',
  api_keys: 'manage API keys',
};

export function permissionLabel(p: Permission): string {
  const [area = '', action = ''] = p.split(':');
  return `${AREA_LABELS[area] ?? area}: ${ACTION_LABELS[action] ?? action}`;
}

/** One labelled checkbox per permission of the contract; those not `selectable` are disabled. */
export function PermissionCheckboxes({
  value,
  onChange,
  error,
  description,
  selectable = PERMISSIONS,
}: {
  value: Permission[];
  onChange: (v: Permission[]) => void;
  error?: string;
  description?: string;
  selectable?: readonly Permission[];
}) {
  return (
    <Checkbox.Group
      label="Permissions"
      description={description}
      value={value}
      onChange={(v) => onChange(v as Permission[])}
      error={error}
    >
      <SimpleGrid cols={{ base: 1, xs: 2 }} mt="xs" spacing="xs">
        {PERMISSIONS.map((p) => (
          <Checkbox
            key={p}
            value={p}
            label={permissionLabel(p)}
            disabled={!selectable.includes(p)}
          />
        ))}
      </SimpleGrid>
    </Checkbox.Group>
  );
}
