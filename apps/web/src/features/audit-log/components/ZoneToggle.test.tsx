import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { makeSession } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { ZoneToggle } from './ZoneToggle';

describe(ZoneToggle.name, () => {
  beforeEach(() => localStorage.clear());

  it('switches between Local and UTC and remembers the choice for the user', async () => {
    const session = makeSession();
    const first = renderWithProviders(<ZoneToggle />, { session });
    const group = await screen.findByRole('group', { name: 'Time zone' });
    expect(within(group).getByRole('button', { name: 'Local' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );

    await userEvent.click(within(group).getByRole('button', { name: 'UTC' }));
    expect(within(group).getByRole('button', { name: 'UTC' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(within(group).getByRole('button', { name: 'Local' })).toHaveAttribute(
      'aria-pressed',
      'false',
    );
    first.unmount();

    // The next visit of the same user starts in UTC.
    renderWithProviders(<ZoneToggle />, { session });
    expect(await screen.findByRole('button', { name: 'UTC' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
  });
});
