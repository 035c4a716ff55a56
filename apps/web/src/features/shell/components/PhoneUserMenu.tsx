import { Menu, UnstyledButton } from '@mantine/core';

/** The account menu of a phone's header (UserMenu loads it on narrow screens). */
export function PhoneUserMenu({
  name,
  account,
  initials,
  logOutLabel,
  onChangePassword,
  onLogOut,
}: {
  name: string;
  account: string;
  initials: string;
  logOutLabel: string;
  onChangePassword: () => void;
  onLogOut: () => void;
}) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton
          hiddenFrom="sm"
          aria-label={`Account menu of ${name}`}
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
          {name} · {account}
        </Menu.Label>
        <Menu.Item onClick={onChangePassword}>Change password</Menu.Item>
        <Menu.Item onClick={onLogOut} aria-label={logOutLabel}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
