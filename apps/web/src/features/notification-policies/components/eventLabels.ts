import type { NotificationEvent } from '@keyledger/contract';

export const EVENT_LABELS: Record<NotificationEvent, string> = {
  order_created: 'An order is created',
  license_created: 'A license is issued',
  license_disabled: 'A license is disabled',
  license_expiring: 'A license is about to expire',
  device_activated: 'A device activates a license',
  activation_limit_reached: 'A license reaches its activation limit',
};
