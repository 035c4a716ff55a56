import type { Session } from '@keyledger/contract';
import { screen, waitFor, within } from '@testing-library/react';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const EMPTY_PAGE = { status: 200, body: { items: [], nextCursor: null } };

function api(session: Session) {
  return mockFetch((url) => {
    if (url.pathname === '/api/v1/auth/me') return { status: 200, body: session };
    if (url.pathname === '/api/v1/audit-log/integrity')
      return { status: 503, body: errorBody(503, 'Not now') };
    if (['/api/v1/audit-log', '/api/v1/orders', '/api/v1/api-keys'].includes(url.pathname))
      return EMPTY_PAGE;
    return { status: 404, body: errorBody(404, `Not found: ${url.pathname}`) };
  });
}

const member = (permissions: Session['user']['permissions']) =>
  makeSession({ isAdmin: false, name: 'Avery Auditor', permissions });

const navLinks = () =>
  within(screen.getByRole('navigation', { name: 'Main' }))
    .getAllByRole('link')
    .map((a) => a.textContent);

describe('MainNav', () => {
  it('links an admin to every page, API keys and log streams included', async () => {
    api(makeSession());
    renderApp('/settings/audit-logs');
    await screen.findByRole('heading', { name: 'Audit logs' });
    expect(navLinks()).toEqual([
      'Licenses',
      'Orders',
      'Customers',
      'Products',
      'Audit logs',
      'Users',
      'Permission templates',
      'Notification policies',
      'API keys',
      'Log streams',
    ]);
    expect(screen.getByRole('button', { name: 'Export' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Past exports' })).toBeInTheDocument();
  });

  it('links a user only to the pages they may read, and hides Export without audit_log:export', async () => {
    api(member(['audit_log:read', 'orders:read']));
    renderApp('/settings/audit-logs');
    await screen.findByRole('heading', { name: 'Audit logs' });
    expect(navLinks()).toEqual(['Orders', 'Audit logs']);
    expect(screen.queryByRole('button', { name: 'Export' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Past exports' })).not.toBeInTheDocument();
  });

  it('drops the Settings group when no settings page is readable', async () => {
    api(member(['orders:read']));
    renderApp('/orders');
    await screen.findByRole('heading', { name: 'Orders' });
    expect(navLinks()).toEqual(['Orders']);
    expect(screen.queryByRole('button', { name: 'Settings' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New order' })).not.toBeInTheDocument();
  });

  it('lands a user on the first page they may read', async () => {
    api(member(['orders:read', 'orders:write']));
    const { router } = renderApp('/');
    await waitFor(() => expect(router.state.location.pathname).toBe('/orders'));
    expect(await screen.findByRole('button', { name: 'New order' })).toBeInTheDocument();
  });

  it('shows what to ask for on a settings page the user may not manage', async () => {
    const fetch = api(member(['audit_log:read']));
    renderApp('/settings/api-keys');
    const alert = await screen.findByRole('alert', { name: /You don't have permission/ });
    expect(alert).toHaveAccessibleName("You don't have permission to manage API keys");
    expect(alert).toHaveTextContent('Ask an admin of Acme for the settings:api_keys permission.');
    expect(
      fetch.mock.calls.filter(
        ([u]) => new URL(u, 'http://localhost').pathname === '/api/v1/api-keys',
      ),
    ).toHaveLength(0);
  });
});
