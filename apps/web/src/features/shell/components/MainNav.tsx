import { NavLink, ScrollArea } from '@mantine/core';
import { useLocation } from '@tanstack/react-router';
import { RouterNavLink } from '../../../components/RouterLinks';

const SETTINGS_LINKS = [
  { to: '/settings/audit-logs', label: 'Audit logs' },
  { to: '/settings/users', label: 'Users' },
  { to: '/settings/permission-templates', label: 'Permission templates' },
  { to: '/settings/notification-policies', label: 'Notification policies' },
] as const;

const MAIN_LINKS = [
  { to: '/licenses', label: 'Licenses' },
  { to: '/orders', label: 'Orders' },
  { to: '/customers', label: 'Customers' },
  { to: '/products', label: 'Products' },
] as const;

export function MainNav({ onNavigate }: { onNavigate: () => void }) {
  const pathname = useLocation({ select: (l) => l.pathname });
  const inSettings = pathname.startsWith('/settings');
  return (
    <ScrollArea component="nav" aria-label="Main" style={{ flex: 1 }}>
      {MAIN_LINKS.map((link) => (
        <RouterNavLink key={link.to} to={link.to} label={link.label} onClick={onNavigate} />
      ))}
      <NavLink
        label="Settings"
        defaultOpened={inSettings}
        active={inSettings}
        variant="subtle"
        childrenOffset="md"
      >
        {SETTINGS_LINKS.map((link) => (
          <RouterNavLink key={link.to} to={link.to} label={link.label} onClick={onNavigate} />
        ))}
      </NavLink>
    </ScrollArea>
  );
}
