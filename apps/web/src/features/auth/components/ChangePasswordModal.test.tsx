import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

function api(answer: { status: number; body?: unknown }) {
  return mockFetch((url, init) => {
    if (url.pathname === '/api/v1/auth/me') return { status: 200, body: makeSession() };
    if (url.pathname === '/api/v1/auth/password' && init.method === 'POST') return answer;
    if (url.pathname === '/api/v1/audit-log')
      return { status: 200, body: { items: [], nextCursor: null } };
    return { status: 404, body: errorBody(404, `Not found: ${url.pathname}`) };
  });
}

const passwordCalls = (fetch: ReturnType<typeof api>) =>
  fetch.mock.calls.filter(
    ([u]) => new URL(u, 'http://localhost').pathname === '/api/v1/auth/password',
  );

async function openAndFill(current: string, next: string, repeat = next) {
  const user = userEvent.setup();
  renderApp('/settings/audit-logs');
  await user.click(await screen.findByRole('button', { name: 'Change password' }));
  const dialog = await screen.findByRole('dialog', { name: 'Change your password' });
  await user.type(within(dialog).getByLabelText(/^Current password/), current);
  await user.type(within(dialog).getByLabelText(/^New password/), next);
  await user.type(within(dialog).getByLabelText(/^Repeat the new password/), repeat);
  await user.click(within(dialog).getByRole('button', { name: 'Change password' }));
  return dialog;
}

describe('Change password (user menu)', () => {
  // The whole app, then a dialog loaded on first use, then three typed fields: over jest's 5 s
  // default on a busy machine (4.3 s before the dialog was split off).
  jest.setTimeout(15_000);

  it('sends the current and the new password, then closes', async () => {
    const fetch = api({ status: 204 });
    await openAndFill('old-password-1', 'new-password-2');
    await waitFor(() => expect(passwordCalls(fetch)).toHaveLength(1));
    expect(JSON.parse(String(passwordCalls(fetch)[0]![1]!.body))).toEqual({
      currentPassword: 'old-password-1',
      newPassword: 'new-password-2',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(
      await screen.findByText('Password changed; your other sessions were signed out'),
    ).toBeInTheDocument();
  });

  it('shows a wrong current password under its field', async () => {
    api({
      status: 400,
      body: errorBody(400, 'currentPassword: the current password is incorrect', [
        { path: 'currentPassword', message: 'the current password is incorrect' },
      ]),
    });
    const dialog = await openAndFill('not-it-1234', 'new-password-2');
    await waitFor(() =>
      expect(within(dialog).getByLabelText(/^Current password/)).toHaveAccessibleDescription(
        'the current password is incorrect',
      ),
    );
  });

  it('catches a mismatch and a weak password before asking the API', async () => {
    const fetch = api({ status: 204 });
    const dialog = await openAndFill('old-password-1', 'short', 'shorter');
    expect(
      await within(dialog).findByText('Password must be at least 10 characters'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('The two new passwords differ')).toBeInTheDocument();
    expect(passwordCalls(fetch)).toHaveLength(0);
  });
});
