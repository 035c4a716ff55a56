import { NavLink, ScrollArea } from '@mantine/core';
import { useLocation } from '@tanstack/react-router';
import { useState } from 'react';
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
  // Open on a settings page (also when arriving there from elsewhere); the user may still fold it.
  const [settingsOpen, setSettingsOpen] = useState(inSettings);
  const [wasInSettings, setWasInSettings] = useState(inSettings);
  if (inSettings !== wasInSettings) {
    setWasInSettings(inSettings);
    if (inSettings) setSettingsOpen(true);
  }
  return (
    <ScrollArea component="nav" aria-label="Main" style={{ flex: 1 }}>
      {MAIN_LINKS.map((link) => (
        <RouterNavLink key={link.to} to={link.to} label={link.label} onClick={onNavigate} />
      ))}
      {/* A button, not Mantine's default <a> without href, so it can be reached and announced. */}
      <NavLink
        component="button"
        label="Settings"
        opened={settingsOpen}
        onChange={setSettingsOpen}
        aria-expanded={settingsOpen}
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
