import { Button, Group, Stack, Text } from '@mantine/core';
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
  return (
    <Group gap="sm" wrap="nowrap">
      {/* On a phone the header has no room for the names; Log out still says whose session it ends. */}
      <Stack gap={0} align="flex-end" style={{ minWidth: 0 }} visibleFrom="sm">
        <Text
          size="sm"
          fw={600}
          truncate="end"
          maw={{ base: 120, sm: 240 }}
          title={session.user.email}
        >
          {session.user.name}
        </Text>
        <Text size="xs" c="dimmed" truncate="end" maw={{ base: 120, sm: 240 }}>
          {session.account.name}
        </Text>
      </Stack>
      <Button variant="subtle" size="xs" onClick={open}>
        Change password
      </Button>
      <ChangePasswordModal opened={changing} onClose={close} />
      <Button
        variant="default"
        size="xs"
        loading={logout.isPending}
        onClick={() => logout.mutate({})}
        aria-label={`Log out ${session.user.name} from ${session.account.name}`}
      >
        Log out
      </Button>
    </Group>
  );
}
