import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import dayjs from 'dayjs';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

function api() {
  return mockFetch((url) => {
    if (url.pathname === '/api/v1/auth/me') return { status: 200, body: makeSession() };
    if (url.pathname === '/api/v1/audit-log') {
      return url.searchParams.get('q')?.startsWith('foo:')
        ? {
            status: 400,
            body: errorBody(400, 'Invalid query', [
              { path: 'q (foo:bar)', message: 'unknown search key "foo"' },
            ]),
          }
        : { status: 200, body: { items: [], nextCursor: null } };
    }
    return { status: 404, body: errorBody(404, 'Not found') };
  });
}

const auditLogCalls = (fetch: ReturnType<typeof api>) =>
  fetch.mock.calls
    .map(([u]) => new URL(u, 'http://localhost'))
    .filter((u) => u.pathname === '/api/v1/audit-log');

describe('Settings > Audit logs page', () => {
  it('opens with the filters of its URL, and asks the API for them', async () => {
    const fetch = api();
    renderApp('/settings/audit-logs?action=license_created,license_disabled&range=7d&q=refund');

    const chips = await screen.findByRole('list', { name: 'Active filters' });
    expect(within(chips).getByText('Text: refund')).toBeInTheDocument();
    const filters = screen.getByRole('region', { name: 'Filters' });
    expect(within(filters).getByText('License created')).toBeInTheDocument();
    expect(within(filters).getByText('License disabled')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Date range' })).toHaveValue('Last 7 days');

    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
    const [call] = auditLogCalls(fetch);
    expect(call?.searchParams.get('action')).toBe('license_created,license_disabled');
    expect(call?.searchParams.get('q')).toBe('refund');
    expect(call?.searchParams.get('from')).toBe(
      dayjs().startOf('day').subtract(6, 'day').toISOString(),
    );
  });

  it('writes a typed condition into the URL, and keeps a bad one in the bar without sending it', async () => {
    const fetch = api();
    const { router } = renderApp('/settings/audit-logs?itemType=license');
    const bar = await screen.findByRole('textbox', { name: 'Filter the audit log' });

    await userEvent.type(bar, 'refund{Enter}');
    await waitFor(() =>
      expect(router.state.location.search).toEqual({ itemType: 'license', q: 'refund' }),
    );

    await userEvent.type(bar, 'foo:bar{Enter}');
    expect(await screen.findByText(/"foo:bar": unknown search key "foo"/)).toBeInTheDocument();
    expect(router.state.location.search).toEqual({ itemType: 'license', q: 'refund' });
    expect(auditLogCalls(fetch).some((u) => u.searchParams.get('q')?.includes('foo'))).toBe(false);
  });

  it('drops an outdated link parameter with a notice instead of an error page', async () => {
    const fetch = api();
    const { router } = renderApp(
      '/settings/audit-logs?actor=not-an-email&itemType=spaceship&action=license_created',
    );
    expect(await screen.findByText('Part of this link was ignored')).toBeInTheDocument();
    expect(screen.getByText(/actor=not-an-email; itemType=spaceship/)).toBeInTheDocument();
    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
    expect(screen.queryByText(/could not be loaded/)).not.toBeInTheDocument();
    const [call] = auditLogCalls(fetch);
    expect(call?.searchParams.get('itemType')).toBeNull();
    expect(call?.searchParams.get('actorEmail')).toBeNull();
    await waitFor(() => expect(router.state.location.href).not.toContain('spaceship'));
    expect(router.state.location.href).not.toContain('not-an-email');
    expect(router.state.location.href).toContain('action=license_created');
  });

  it('clears the filters from the URL', async () => {
    api();
    const { router } = renderApp('/settings/audit-logs?itemType=license&range=today');
    await userEvent.click((await screen.findAllByRole('button', { name: 'Clear filters' }))[0]!);
    await waitFor(() => expect(router.state.location.search).toEqual({}));
    expect(await screen.findByText('No entries yet')).toBeInTheDocument();
  });

  it('sends a signed-out visitor to sign in', async () => {
    mockFetch(() => ({ status: 401, body: errorBody(401, 'Not signed in') }));
    const { router } = renderApp('/settings/audit-logs?q=refund');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toEqual({ redirect: '/settings/audit-logs?q=refund' });
  });
});
