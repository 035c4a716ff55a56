import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { renderWithProviders } from '../../../test/render';
import type { AuditLogSearch } from '../utils/auditLogSearch';
import { AuditLogFilterBar } from './AuditLogFilterBar';

function setup(search: AuditLogSearch) {
  const onChange = jest.fn();
  renderWithProviders(<AuditLogFilterBar search={search} onChange={onChange} />);
  return { onChange, user: userEvent.setup({ delay: null }) };
}

/** The bar over state, as the page keeps it in the URL: every change is shown back. */
function Stateful({
  initial,
  seen,
}: {
  initial: AuditLogSearch;
  seen: (s: AuditLogSearch) => void;
}) {
  const [search, setSearch] = useState(initial);
  return (
    <AuditLogFilterBar
      search={search}
      onChange={(next) => {
        seen(next);
        setSearch(next);
      }}
    />
  );
}

async function setupStateful(initial: AuditLogSearch = {}) {
  const seen = jest.fn();
  renderWithProviders(<Stateful initial={initial} seen={seen} />);
  await screen.findByRole('textbox', { name: 'Filter the audit log' });
  return { seen, user: userEvent.setup({ delay: null }) };
}

const chips = () =>
  within(screen.getByRole('list', { name: 'Active filters' }))
    .queryAllByRole('listitem')
    .map((c) => c.textContent);

const bar = () => screen.getByRole('textbox', { name: 'Filter the audit log' });

jest.setTimeout(20_000);

describe(AuditLogFilterBar.name, () => {
  it('shows the filters it is given, as chips and in the dropdowns', async () => {
    setup({
      action: ['license_created', 'product_archived'],
      actor: 'ann@acme.test',
      itemType: 'license',
      range: '7d',
      q: 'refund',
    });

    await screen.findByRole('list', { name: 'Active filters' });
    expect(chips()).toEqual([
      'Action: License created',
      'Action: Product archived',
      'By: ann@acme.test',
      'Item: License',
      'Created: last 7 days',
      'Text: refund',
    ]);
    expect(screen.getByRole('textbox', { name: 'Actor' })).toHaveValue('ann@acme.test');
    expect(screen.getByRole('textbox', { name: 'Item type' })).toHaveValue('License');
    expect(screen.getByRole('textbox', { name: 'Date range' })).toHaveValue('Last 7 days');
    expect(screen.getByRole('button', { name: 'Clear filters' })).toBeInTheDocument();
  });

  it('puts a typed condition in its dropdown (bar → dropdowns)', async () => {
    const { seen, user } = await setupStateful();
    await user.type(bar(), 'action:license_disabled{Enter}');
    expect(seen).toHaveBeenLastCalledWith({ action: ['license_disabled'] });
    expect(chips()).toEqual(['Action: License disabled']);
    // The Actions dropdown shows it as a picked value.
    const filters = screen.getByRole('region', { name: 'Filters' });
    expect(within(filters).getAllByText('License disabled').length).toBeGreaterThanOrEqual(1);

    await user.type(bar(), 'item:order{Enter}');
    expect(screen.getByRole('textbox', { name: 'Item type' })).toHaveValue('Order');
    await user.type(bar(), 'actor:Ann@Acme.test{Enter}');
    expect(screen.getByRole('textbox', { name: 'Actor' })).toHaveValue('ann@acme.test');
    await user.type(bar(), 'created:>=2026-01-05{Enter}');
    expect(screen.getByRole('textbox', { name: 'Date range' })).toHaveValue('Custom range');
    expect(seen).toHaveBeenLastCalledWith({
      action: ['license_disabled'],
      actor: 'ann@acme.test',
      itemType: 'order',
      range: 'custom',
      from: '2026-01-05',
    });
  });

  it('shows a dropdown choice as a chip (dropdowns → bar), and a whole group as one chip', async () => {
    const { seen, user } = await setupStateful();
    await user.click(screen.getByRole('textbox', { name: 'Item type' }));
    await user.click(screen.getByRole('option', { name: 'Customer' }));
    expect(chips()).toEqual(['Item: Customer']);

    await user.type(bar(), 'group:devices{Enter}');
    expect(chips()).toEqual(['Group: Devices', 'Item: Customer']);
    expect(seen).toHaveBeenLastCalledWith({
      action: ['device_reset', 'device_blacklisted', 'device_borrowed', 'device_borrow_released'],
      itemType: 'customer',
    });

    // Removing a chip clears its dropdown.
    await user.click(screen.getByRole('button', { name: 'Remove Item: Customer' }));
    expect(screen.getByRole('textbox', { name: 'Item type' })).toHaveValue('');
    expect(chips()).toEqual(['Group: Devices']);
  });

  it('underlines a bad token with why, in words, and sends nothing', async () => {
    const { seen, user } = await setupStateful({ itemType: 'license' });
    await user.type(bar(), 'created:2026-13-01{Enter}');
    const badChip = screen.getByText('created:2026-13-01');
    expect(badChip.closest('[data-invalid]')).not.toBeNull();
    expect(bar()).toHaveAttribute('aria-invalid', 'true');
    expect(
      screen.getByText(/"created:2026-13-01": "2026-13-01" is not a date/),
    ).toBeInTheDocument();
    expect(seen).not.toHaveBeenCalled();

    // A name nobody has is not sent either; the valid token beside a bad one is applied.
    await user.type(bar(), 'actor:Nobody refund{Enter}');
    expect(screen.getByText(/no one known as "Nobody"/)).toBeInTheDocument();
    expect(seen).toHaveBeenLastCalledWith({ itemType: 'license', q: 'refund' });

    // Clicking the bad token puts it back in the box to fix.
    await user.click(screen.getByText('actor:Nobody'));
    expect(bar()).toHaveValue('actor:Nobody');
  });

  it('removes the last chip with Backspace in an empty box', async () => {
    const { seen, user } = await setupStateful({ itemType: 'product', q: 'x' });
    await user.click(bar());
    await user.keyboard('{Backspace}');
    expect(seen).toHaveBeenLastCalledWith({ itemType: 'product' });
  });

  it('does not apply a partial email address in the Actor box', async () => {
    const { onChange, user } = setup({});
    await user.type(await screen.findByRole('textbox', { name: 'Actor' }), 'ann@{Enter}');
    expect(screen.getByText(/No one called "ann@"/)).toBeInTheDocument();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('clears every filter at once, keeping the open entry', async () => {
    const entry = '0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11';
    const { onChange, user } = setup({ itemType: 'product', q: 'x', entry });
    await user.click(await screen.findByRole('button', { name: 'Clear filters' }));
    expect(onChange).toHaveBeenLastCalledWith({ entry });
  });
});
