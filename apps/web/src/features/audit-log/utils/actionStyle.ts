import { auditActionGroup, type AuditAction, type AuditActionGroupId } from '@keyledger/contract';
import type { MantineColor } from '@mantine/core';

/** One colour per action group, so a column of badges reads at a glance. */
export const GROUP_COLORS: Record<AuditActionGroupId, MantineColor> = {
  platform_users: 'grape',
  permission_templates: 'violet',
  email_notifications: 'cyan',
  products: 'blue',
  customers: 'teal',
  orders: 'orange',
  licenses: 'green',
  devices: 'pink',
  access_security: 'red',
};

export function actionColor(action: AuditAction): MantineColor {
  return GROUP_COLORS[auditActionGroup(action)];
}
