import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

async function fillAndSubmit() {
  const user = userEvent.setup();
  await user.type(await screen.findByRole('textbox', { name: /Account name/ }), 'Acme');
  await user.type(screen.getByRole('textbox', { name: /Your name/ }), 'Ann Admin');
  await user.type(screen.getByRole('textbox', { name: /Email/ }), 'ann@acme.test');
  await user.type(screen.getByLabelText(/Password/), 'correct-horse-1');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('Sign-up page', () => {
  it('shows the API’s field errors under their fields', async () => {
    mockFetch((url) =>
      url.pathname === '/api/v1/auth/signup'
        ? {
            status: 400,
            body: errorBody(400, 'Validation failed', [
              { path: 'body.email', message: 'This email is already registered' },
            ]),
          }
        : { status: 401, body: errorBody(401, 'Not signed in') },
    );
    renderApp('/signup');
    await fillAndSubmit();
    expect(await screen.findByRole('textbox', { name: /Email/ })).toHaveAccessibleDescription(
      'This email is already registered',
    );
  });

  it('catches a weak password before asking the API', async () => {
    const fetch = mockFetch(() => ({ status: 401, body: errorBody(401, 'Not signed in') }));
    renderApp('/signup');
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Password must be at least 10 characters')).toBeInTheDocument();
    expect(fetch.mock.calls.some(([u]) => String(u).includes('/auth/signup'))).toBe(false);
  });

  it('opens the audit log once the account exists', async () => {
    mockFetch((url) => {
      if (url.pathname === '/api/v1/auth/signup') return { status: 201, body: makeSession() };
      if (url.pathname === '/api/v1/audit-log')
        return { status: 200, body: { items: [], nextCursor: null } };
      return { status: 401, body: errorBody(401, 'Not signed in') };
    });
    const { router } = renderApp('/signup');
    await fillAndSubmit();
    await waitFor(() => expect(router.state.location.pathname).toBe('/settings/audit-logs'));
    expect(
      await screen.findByRole('button', { name: 'Log out Ann Admin from Acme' }),
    ).toBeInTheDocument();
  });
});
