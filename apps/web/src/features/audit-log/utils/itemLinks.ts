import type { ItemRef, ItemType } from '@keyledger/contract';

/** Item types that have a page of their own, and its route. */
export type LinkableItemType = 'product' | 'license' | 'order' | 'customer';

export type ItemRoute = '/products/$id' | '/licenses/$id' | '/orders/$id' | '/customers/$id';

export function itemRoute(type: ItemType): ItemRoute | null {
  switch (type) {
    case 'product':
      return '/products/$id';
    case 'license':
      return '/licenses/$id';
    case 'order':
      return '/orders/$id';
    case 'customer':
      return '/customers/$id';
    case 'platform_user':
    case 'permission_template':
    case 'notification_policy':
    case 'device':
    case 'api_key':
    case 'audit_export':
    case 'audit_verification':
      return null;
  }
}

const ITEM_TYPE_LABELS: Record<ItemType, string> = {
  platform_user: 'Platform user',
  permission_template: 'Permission template',
  notification_policy: 'Notification policy',
  product: 'Product',
  customer: 'Customer',
  order: 'Order',
  license: 'License',
  device: 'Device',
  api_key: 'API key',
  audit_export: 'Audit log export',
  audit_verification: 'Audit log integrity check',
};

export function itemTypeLabel(type: ItemType): string {
  return ITEM_TYPE_LABELS[type];
}

export function itemRefKey(ref: ItemRef): string {
  return `${ref.type}:${ref.id}`;
}
