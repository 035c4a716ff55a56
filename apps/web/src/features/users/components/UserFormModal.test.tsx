import type { PermissionTemplate, PlatformUser } from '@keyledger/contract';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const AT = '2026-03-15T12:00:00.000Z';
const ME = makeSession({
  isAdmin: false,
  name: 'Uma Users',
  permissions: ['settings:users', 'products:read'],
});
const owner: PlatformUser = {
  id: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  email: 'owner@acme.test',
  name: 'Olga Owner',
  isAdmin: true,
  permissionTemplateId: null,
  createdAt: AT,
  updatedAt: AT,
};
const template = (
  id: string,
  name: string,
  permissions: PermissionTemplate['permissions'],
): PermissionTemplate => ({
  id,
  name,
  description: null,
  permissions,
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
});

function api(session = ME) {
  return mockFetch((url) => {
    if (url.pathname === '/api/v1/auth/me') return { status: 200, body: session };
    if (url.pathname === '/api/v1/platform-users')
      return { status: 200, body: { items: [owner], nextCursor: null } };
    if (url.pathname === '/api/v1/permission-templates')
      return {
        status: 200,
        body: {
          items: [
            template('1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', 'Readers', ['products:read']),
            template('2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', 'Exporters', ['audit_log:export']),
          ],
          nextCursor: null,
        },
      };
    if (url.pathname === `/api/v1/platform-users/${owner.id}`)
      return {
        status: 403,
        body: errorBody(403, "email: only an admin can change an admin's email"),
      };
    return { status: 404, body: errorBody(404, `Not found: ${url.pathname}`) };
  });
}

describe('Add / edit user', () => {
  it('disables the admin switch for a non-admin, and says why', async () => {
    api();
    const user = userEvent.setup();
    renderApp('/settings/users');
    await user.click(await screen.findByRole('button', { name: 'Add user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add user' });
    const admin = within(dialog).getByRole('switch', { name: /^Admin/ });
    expect(admin).toBeDisabled();
    // Mantine's switch label wraps its description, so the explanation is part of its name.
    expect(admin).toHaveAccessibleName(
      'Admin Only an admin can make a user an admin or take it away',
    );
  });

  it("doesn't offer a non-admin to remove an admin", async () => {
    api();
    renderApp('/settings/users');
    const remove = await screen.findByRole('button', { name: 'Remove Olga Owner' });
    expect(remove).toBeDisabled();
    expect(remove).toHaveAttribute('title', 'Only an admin can remove an admin');
  });

  it('lets an admin flip it', async () => {
    api(makeSession());
    const user = userEvent.setup();
    renderApp('/settings/users');
    await user.click(await screen.findByRole('button', { name: 'Add user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add user' });
    expect(within(dialog).getByRole('switch', { name: /^Admin/ })).toBeEnabled();
  });

  it("shows the API's 403 as it is", async () => {
    api();
    const user = userEvent.setup();
    renderApp('/settings/users');
    await user.click(await screen.findByRole('button', { name: 'Edit Olga Owner' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit user' });
    const email = within(dialog).getByRole('textbox', { name: 'Email' });
    await user.clear(email);
    await user.type(email, 'mine@acme.test');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      "email: only an admin can change an admin's email",
    );
  });
});
