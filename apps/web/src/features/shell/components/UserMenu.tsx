import { Button, Group, Stack, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { lazy, Suspense, useState } from 'react';
import { useLogout } from '../../auth/hooks/useLogout';
import { useSession } from '../../auth/hooks/useSession';

/** Loaded when first asked for: every page shows this menu, few visits change a password. */
const ChangePasswordModal = lazy(() =>
  import('../../auth/components/ChangePasswordModal').then((m) => ({
    default: m.ChangePasswordModal,
  })),
);

const PhoneUserMenu = lazy(() =>
  import('./PhoneUserMenu').then((m) => ({ default: m.PhoneUserMenu })),
);

/** Who is signed in, to which account, their own password, and the way out. */
export function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const [changing, { open, close }] = useDisclosure(false);
  const [modalUsed, setModalUsed] = useState(false);
  if (changing && !modalUsed) setModalUsed(true);
  // Below Mantine's `sm` breakpoint, where the buttons beside the name are hidden.
  const narrow = useMediaQuery('(max-width: 47.99em)');
  if (!session) return null;
  const logOutLabel = `Log out ${session.user.name} from ${session.account.name}`;
  const initials = session.user.name
    .split(/\s+/)
    .map((w) => w[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <>
      {/* A phone's header has no room for names and two buttons: one menu holds them. Loaded on
          narrow screens only (a wide one never shows it). */}
      {narrow && (
        <Suspense fallback={null}>
          <PhoneUserMenu
            name={session.user.name}
            account={session.account.name}
            initials={initials}
            logOutLabel={logOutLabel}
            onChangePassword={open}
            onLogOut={() => logout.mutate({})}
          />
        </Suspense>
      )}
      <Group gap="sm" wrap="nowrap" visibleFrom="sm">
        <Stack gap={0} align="flex-end" style={{ minWidth: 0 }}>
          <Text size="sm" fw={600} truncate="end" maw={240} title={session.user.email}>
            {session.user.name}
          </Text>
          <Text size="xs" c="dimmed" truncate="end" maw={240}>
            {session.account.name}
          </Text>
        </Stack>
        <Button variant="subtle" size="xs" onClick={open}>
          Change password
        </Button>
        <Button
          variant="default"
          size="xs"
          loading={logout.isPending}
          onClick={() => logout.mutate({})}
          aria-label={logOutLabel}
        >
          Log out
        </Button>
      </Group>
      {modalUsed && (
        <Suspense fallback={null}>
          <ChangePasswordModal opened={changing} onClose={close} />
        </Suspense>
      )}
    </>
  );
}
