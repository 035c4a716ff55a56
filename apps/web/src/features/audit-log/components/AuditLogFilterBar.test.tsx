import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderWithProviders } from '../../../test/render';
import type { AuditLogSearch } from '../utils/auditLogSearch';
import { AuditLogFilterBar } from './AuditLogFilterBar';

function setup(search: AuditLogSearch, searchError?: string) {
  const onChange = jest.fn();
  renderWithProviders(
    <AuditLogFilterBar search={search} onChange={onChange} searchError={searchError} />,
  );
  return { onChange, user: userEvent.setup() };
}

describe(AuditLogFilterBar.name, () => {
  it('shows the filters it is given', async () => {
    setup({
      action: ['license_created', 'product_archived'],
      actor: 'ann@acme.test',
      itemType: 'license',
      range: '7d',
      q: 'refund',
    });

    expect(await screen.findByRole('textbox', { name: 'Search' })).toHaveValue('refund');
    expect(screen.getByRole('textbox', { name: 'Actor email' })).toHaveValue('ann@acme.test');
    expect(screen.getByRole('textbox', { name: 'Item type' })).toHaveValue('License');
    expect(screen.getByRole('textbox', { name: 'Date range' })).toHaveValue('Last 7 days');
    const filters = screen.getByRole('region', { name: 'Filters' });
    expect(within(filters).getByText('License created')).toBeInTheDocument();
    expect(within(filters).getByText('Product archived')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeInTheDocument();
  });

  it('shows the custom days when the range is custom', async () => {
    setup({ range: 'custom', from: '2026-01-05', to: '2026-01-09' });
    expect(await screen.findByRole('button', { name: 'Dates' })).toHaveTextContent(
      /January 5, 2026.*January 9, 2026/,
    );
  });

  it('applies the search on Enter, keeping the other filters', async () => {
    const { onChange, user } = setup({ itemType: 'product' });
    await user.type(
      await screen.findByRole('textbox', { name: 'Search' }),
      'action:product_* {Enter}',
    );
    expect(onChange).toHaveBeenLastCalledWith({ itemType: 'product', q: 'action:product_*' });
  });

  it('adds a chosen action and item type', async () => {
    const { onChange, user } = setup({ action: ['license_created'] });
    await user.click(await screen.findByRole('textbox', { name: 'Item type' }));
    await user.click(screen.getByRole('option', { name: 'Order' }));
    expect(onChange).toHaveBeenLastCalledWith({ action: ['license_created'], itemType: 'order' });

    await user.click(screen.getByRole('textbox', { name: 'Actions' }));
    await user.click(screen.getByRole('option', { name: 'Device reset' }));
    expect(onChange).toHaveBeenLastCalledWith({ action: ['license_created', 'device_reset'] });
  });

  it('offers the Access and security actions and their item types', async () => {
    const { onChange, user } = setup({});
    await user.click(await screen.findByRole('textbox', { name: 'Item type' }));
    await user.click(screen.getByRole('option', { name: 'API key' }));
    expect(onChange).toHaveBeenLastCalledWith({ itemType: 'api_key' });

    await user.click(screen.getByRole('textbox', { name: 'Actions' }));
    expect(screen.getByText('Access and Security')).toBeInTheDocument();
    await user.click(screen.getByRole('option', { name: 'User sign-in failed' }));
    expect(onChange).toHaveBeenLastCalledWith({ action: ['user_sign_in_failed'] });
  });

  it('does not apply a partial email address', async () => {
    const { onChange, user } = setup({});
    await user.type(await screen.findByRole('textbox', { name: 'Actor email' }), 'ann@{Enter}');
    expect(screen.getByText('Enter a full email address')).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows why the API refused the search, under the search box', async () => {
    setup({ q: 'foo:bar' }, 'unknown search key "foo"');
    const input = await screen.findByRole('textbox', { name: 'Search' });
    expect(input).toHaveAccessibleDescription('unknown search key "foo"');
  });

  it('clears everything at once', async () => {
    const { onChange, user } = setup({ itemType: 'product', q: 'x' });
    await user.click(await screen.findByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenLastCalledWith({});
  });
});
