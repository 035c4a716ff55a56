/**
 * How the fields in an entry's `changes` are named for people, in one place: the web app's Changes
 * table, its one-line summaries and anything else that shows a change read these. Field names are
 * the entities' property names (`maxConsumptions`), optionally prefixed by a sub-record
 * (`user.email`, `device.<name>.blacklisted`). A field not listed is worded from its name.
 */
import type { ItemType } from './common';

export const AUDIT_FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  code: 'Code',
  email: 'Email',
  firstName: 'First name',
  lastName: 'Last name',
  company: 'Company',
  phone: 'Phone',
  reference: 'Reference',
  notes: 'Notes',
  isTrial: 'Trial order',
  features: 'Features',
  status: 'Status',
  archived: 'Archived',
  key: 'License key',
  type: 'Type',
  enabled: 'Enabled',
  maxActivations: 'Max activations',
  validUntil: 'Valid until',
  maxConsumptions: 'Max consumptions',
  consumptions: 'Consumptions',
  description: 'Description',
  permissions: 'Permissions',
  event: 'Event',
  recipients: 'Recipients',
  isAdmin: 'Administrator',
  password: 'Password',
  passwordHash: 'Password',
  permissionTemplateId: 'Permission template',
  orderId: 'Order',
  productId: 'Product',
  customerId: 'Customer',
  licenseId: 'License',
  hardwareId: 'Hardware id',
  os: 'Operating system',
  active: 'Active',
  blacklisted: 'Blacklisted',
  borrowedUntil: 'Borrowed until',
  activatedAt: 'Activated',
  value: 'Value',
  deletedAt: 'Deleted',
  removedAt: 'Removed',
  revokedAt: 'Revoked',
  hint: 'Key hint',
};

/** Sub-record prefixes, worded. */
const PREFIX_LABELS: Record<string, string> = {
  user: 'User',
  manager: 'Manager',
  device: 'Device',
  field: 'Custom field',
  customField: 'Custom field',
};

/** Fields whose value is the id of another item: the web app shows that item's name, linked. */
export const AUDIT_FIELD_ITEM_TYPES: Record<string, ItemType> = {
  permissionTemplateId: 'permission_template',
  orderId: 'order',
  productId: 'product',
  customerId: 'customer',
  licenseId: 'license',
};

/** "maxConsumptions" → "Max consumptions" (for fields not in the list). */
export function humanizeFieldName(name: string): string {
  const words = name
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The last part of a field path, which says what the value is. */
export function auditFieldLeaf(field: string): string {
  const parts = field.split('.');
  return parts[parts.length - 1] ?? field;
}

/** "user.email" → "User › Email"; "maxConsumptions" → "Max consumptions". */
export function auditFieldLabel(field: string): string {
  const parts = field.split('.');
  return parts
    .map((p, i) => {
      if (i === parts.length - 1) return AUDIT_FIELD_LABELS[p] ?? humanizeFieldName(p);
      return PREFIX_LABELS[p] ?? p;
    })
    .join(' › ');
}

/** The item type a field's value points to (`orderId` → order), if any. */
export function auditFieldItemType(field: string): ItemType | null {
  return AUDIT_FIELD_ITEM_TYPES[auditFieldLeaf(field)] ?? null;
}
