import { Box, NavLink } from '@mantine/core';
import { useLocation, useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { RouterNavLink } from '../../../components/RouterLinks';
import { usePermissions } from '../../auth/hooks/usePermissions';

const SETTINGS_LINKS = [
  { to: '/settings/audit-logs', label: 'Audit logs' },
  { to: '/settings/users', label: 'Users' },
  { to: '/settings/permission-templates', label: 'Permission templates' },
  { to: '/settings/notification-policies', label: 'Notification policies' },
  { to: '/settings/api-keys', label: 'API keys' },
  { to: '/settings/log-streams', label: 'Log streams' },
] as const;

const MAIN_LINKS = [
  { to: '/licenses', label: 'Licenses' },
  { to: '/orders', label: 'Orders' },
  { to: '/customers', label: 'Customers' },
  { to: '/products', label: 'Products' },
] as const;

type LinkPath = (typeof SETTINGS_LINKS | typeof MAIN_LINKS)[number]['to'];

/** The links to pages the user may read: each route declares the permission its page needs. */
function useReadableLinks() {
  const { routesByPath } = useRouter();
  const { can } = usePermissions();
  return <T extends { to: LinkPath }>(links: readonly T[]) =>
    links.filter((link) => {
      const needed = routesByPath[link.to].options.staticData?.permission;
      return !needed || can(needed);
    });
}

export function MainNav({ onNavigate }: { onNavigate: () => void }) {
  const pathname = useLocation({ select: (l) => l.pathname });
  const readable = useReadableLinks();
  const inSettings = pathname.startsWith('/settings');
  // Open on a settings page (also when arriving there from elsewhere); the user may still fold it.
  const [settingsOpen, setSettingsOpen] = useState(inSettings);
  const [wasInSettings, setWasInSettings] = useState(inSettings);
  if (inSettings !== wasInSettings) {
    setWasInSettings(inSettings);
    if (inSettings) setSettingsOpen(true);
  }
  const settingsLinks = readable(SETTINGS_LINKS);
  return (
    // The browser's own scrolling: Mantine's ScrollArea (resize observers, custom scrollbars) cost
    // ~30 ms of every first render under load, for a list that rarely scrolls.
    <Box component="nav" aria-label="Main" style={{ flex: 1, overflowY: 'auto', minHeight: 0 }}>
      {readable(MAIN_LINKS).map((link) => (
        <RouterNavLink key={link.to} to={link.to} label={link.label} onClick={onNavigate} />
      ))}
      {settingsLinks.length > 0 && (
        /* A button, not Mantine's default <a> without href, so it can be reached and announced. */
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
          {settingsLinks.map((link) => (
            <RouterNavLink key={link.to} to={link.to} label={link.label} onClick={onNavigate} />
          ))}
        </NavLink>
      )}
    </Box>
  );
}
