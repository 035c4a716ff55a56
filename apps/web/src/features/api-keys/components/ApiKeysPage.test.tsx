import type { ApiKey, Session } from '@keyledger/contract';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const AT = '2026-03-15T12:00:00.000Z';
const SECRET = 'kl_live_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg7Qa';

function makeKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: '6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b',
    name: 'CRM sync',
    hint: 'kl_live_…a1b2',
    permissions: ['customers:read', 'orders:read'],
    effectivePermissions: ['customers:read', 'orders:read'],
    createdBy: { id: '3f0c8a5e-2b1d-4c3e-8f7a-9b6c5d4e3f2a', name: 'Ann Admin', removed: false },
    revokedAt: null,
    createdAt: AT,
    ...overrides,
  };
}

function api({
  keys = [makeKey()],
  session = makeSession(),
  list = 200,
}: { keys?: ApiKey[]; session?: Session; list?: 200 | 403 } = {}) {
  let stored = keys;
  return mockFetch(async (url, init) => {
    const method = init.method ?? 'GET';
    const path = url.pathname;
    if (path === '/api/v1/auth/me') return { status: 200, body: session };
    if (path === '/api/v1/api-keys' && method === 'GET')
      return list === 403
        ? {
            status: 403,
            body: errorBody(403, 'You need the settings:api_keys permission for this'),
          }
        : { status: 200, body: { items: stored, nextCursor: null } };
    if (path === '/api/v1/api-keys' && method === 'POST') {
      const body = JSON.parse(String(init.body)) as Pick<ApiKey, 'name' | 'permissions'>;
      const created = makeKey({
        id: '7f8a9b0c-1d2e-4f3a-9b4c-5d6e7f8a9b0c',
        hint: 'kl_live_…x7Qa',
        ...body,
        effectivePermissions: body.permissions,
      });
      stored = [created, ...stored];
      return { status: 201, body: { ...created, secret: SECRET } };
    }
    const revoke = /^\/api\/v1\/api-keys\/([^/]+)$/.exec(path);
    if (revoke && method === 'DELETE') {
      stored = stored.map((k) => (k.id === revoke[1] ? { ...k, revokedAt: AT } : k));
      return { status: 204 };
    }
    return { status: 404, body: errorBody(404, `Not found: ${method} ${path}`) };
  });
}

const callsTo = (fetch: ReturnType<typeof api>, path: string, method: string) =>
  fetch.mock.calls.filter(
    ([u, init]) =>
      new URL(u, 'http://localhost').pathname === path && (init?.method ?? 'GET') === method,
  );

describe('Settings > API keys page', () => {
  it('lists the keys with their permissions, creator and state', async () => {
    api({
      keys: [
        makeKey(),
        makeKey({ id: '8a9b0c1d-2e3f-4a4b-8c5d-6e7f8a9b0c1d', name: 'Old script', revokedAt: AT }),
      ],
    });
    renderApp('/settings/api-keys');
    const table = await screen.findByRole('table', { name: 'API keys' });
    const [, active, revoked] = within(table).getAllByRole('row');
    expect(active).toHaveTextContent('CRM sync');
    expect(active).toHaveTextContent('kl_live_…a1b2');
    expect(active).toHaveTextContent('Customers: view, Orders: view');
    expect(active).toHaveTextContent('by Ann Admin');
    expect(active).toHaveTextContent('Active');
    expect(revoked).toHaveTextContent('Revoked 2026-03-15');
    expect(revoked).toHaveTextContent('None (revoked)');
    expect(
      within(revoked!).queryByRole('button', { name: 'Revoke Old script' }),
    ).not.toBeInTheDocument();
  });

  it('shows what each key can use now: fewer than its own when its creator lost some, none when they were removed', async () => {
    api({
      keys: [
        makeKey({ effectivePermissions: ['customers:read'] }),
        makeKey({
          id: '9b0c1d2e-3f4a-4b5c-9d6e-7f8a9b0c1d2e',
          name: 'Orphan',
          effectivePermissions: [],
          createdBy: {
            id: '4a1d9b6f-3c2e-4d4f-9a8b-0c7d6e5f4a3b',
            name: 'Bob Gone',
            removed: true,
          },
        }),
      ],
    });
    renderApp('/settings/api-keys');
    const table = await screen.findByRole('table', { name: 'API keys' });
    const [header, reduced, orphan] = within(table).getAllByRole('row');
    expect(header).toHaveTextContent('Can use now');
    const cells = within(reduced!).getAllByRole('cell');
    expect(cells[1]).toHaveTextContent('Customers: view, Orders: view');
    expect(cells[2]).toHaveTextContent('Customers: view');
    expect(cells[2]).toHaveTextContent(
      'Fewer than its own: Ann Admin no longer holds Orders: view',
    );
    expect(orphan).toHaveTextContent('by Bob Gone (removed)');
    expect(orphan).toHaveTextContent('None: its creator was removed, so the key no longer works');
    expect(within(table).getAllByText(/Fewer than its own/)).toHaveLength(1);
  });

  it('shows the secret once after creating a key, with a copy button', async () => {
    const user = userEvent.setup();
    const fetch = api({ keys: [] });
    renderApp('/settings/api-keys');
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    let dialog = await screen.findByRole('dialog', { name: 'Create API key' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Billing export');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Audit log: export' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create API key' }));

    dialog = await screen.findByRole('dialog', { name: 'API key created' });
    const [create] = callsTo(fetch, '/api/v1/api-keys', 'POST');
    expect(JSON.parse(String(create?.[1]?.body))).toEqual({
      name: 'Billing export',
      permissions: ['audit_log:export'],
    });
    expect(within(dialog).getByRole('textbox', { name: 'Secret of Billing export' })).toHaveValue(
      SECRET,
    );
    expect(within(dialog).getByRole('alert', { name: 'Copy this key now' })).toHaveTextContent(
      "It won't be shown again",
    );
    await user.click(within(dialog).getByRole('button', { name: 'Copy key' }));
    expect(await within(dialog).findByRole('button', { name: 'Copied' })).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(SECRET);

    // The list shows the new key by its hint; the secret is gone for good once the dialog closes.
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const table = await screen.findByRole('table', { name: 'API keys' });
    expect(table).toHaveTextContent('Billing export');
    expect(table).toHaveTextContent('kl_live_…x7Qa');
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);

    await user.click(screen.getByRole('button', { name: 'Create API key' }));
    dialog = await screen.findByRole('dialog', { name: 'Create API key' });
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveValue('');
    expect(document.body).not.toHaveTextContent(SECRET);
  });

  it('asks for a name and a permission before calling the API', async () => {
    const user = userEvent.setup();
    const fetch = api();
    renderApp('/settings/api-keys');
    await user.click(await screen.findByRole('button', { name: 'Create API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API key' });
    await user.click(within(dialog).getByRole('button', { name: 'Create API key' }));
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(
      expect.stringMatching(/at least 1 character/i),
    );
    expect(within(dialog).getByText(/give at least 1 permissions/)).toBeInTheDocument();
    expect(callsTo(fetch, '/api/v1/api-keys', 'POST')).toHaveLength(0);
  });

  it('offers only the permissions the user holds', async () => {
    const user = userEvent.setup();
    api({
      session: makeSession({
        isAdmin: false,
        permissions: ['settings:api_keys', 'licenses:read'],
      }),
    });
    renderApp('/settings/api-keys');
    await user.click(await screen.findByRole('button', { name: 'Create API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API key' });
    expect(within(dialog).getByRole('checkbox', { name: 'Licenses: view' })).toBeEnabled();
    expect(within(dialog).getByRole('checkbox', { name: 'Licenses: change' })).toBeDisabled();
    expect(
      within(dialog).getByRole('checkbox', { name: 'Settings: manage API keys' }),
    ).toBeEnabled();
  });

  it('revokes a key after a confirmation', async () => {
    const user = userEvent.setup();
    const fetch = api();
    renderApp('/settings/api-keys');
    await user.click(await screen.findByRole('button', { name: 'Revoke CRM sync' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke this API key?' });
    expect(
      callsTo(fetch, '/api/v1/api-keys/6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b', 'DELETE'),
    ).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));

    await waitFor(() =>
      expect(
        callsTo(fetch, '/api/v1/api-keys/6e7f8a9b-0c1d-4e2f-8a3b-4c5d6e7f8a9b', 'DELETE'),
      ).toHaveLength(1),
    );
    await waitFor(() =>
      expect(screen.getByRole('table', { name: 'API keys' })).toHaveTextContent(
        'Revoked 2026-03-15',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Revoke CRM sync' })).not.toBeInTheDocument();
  });

  it('shows the permission message when the API refuses the list', async () => {
    api({ list: 403 });
    renderApp('/settings/api-keys');
    const alert = await screen.findByRole('alert', { name: /You don't have permission/ });
    expect(alert).toHaveAccessibleName("You don't have permission to manage API keys");
    expect(alert).toHaveTextContent('Ask an admin of Acme for the settings:api_keys permission.');
  });
});
