import { Button, Group, Menu, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { ChangePasswordModal } from '../../auth/components/ChangePasswordModal';
import { useLogout } from '../../auth/hooks/useLogout';
import { useSession } from '../../auth/hooks/useSession';

/** Who is signed in, to which account, their own password, and the way out. */
export function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const [changing, { open, close }] = useDisclosure(false);
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
      {/* A phone's header has no room for names and two buttons: one menu holds them. */}
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <UnstyledButton
            hiddenFrom="sm"
            aria-label={`Account menu of ${session.user.name}`}
            style={{
              width: 34,
              height: 34,
              borderRadius: '50%',
              textAlign: 'center',
              fontWeight: 600,
              fontSize: 14,
              background: 'var(--mantine-color-default-hover)',
            }}
          >
            {initials}
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            {session.user.name} · {session.account.name}
          </Menu.Label>
          <Menu.Item onClick={open}>Change password</Menu.Item>
          <Menu.Item onClick={() => logout.mutate({})} aria-label={logOutLabel}>
            Log out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
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
      <ChangePasswordModal opened={changing} onClose={close} />
    </>
  );
}
