import { screen, within } from '@testing-library/react';
import { makeAuditEntry } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { AuditEntryDrawer } from './AuditEntryDrawer';

describe(AuditEntryDrawer.name, () => {
  it('shows each change as before and after', async () => {
    const entry = makeAuditEntry({
      changes: [
        { field: 'enabled', before: true, after: false },
        { field: 'notes', before: null, after: 'Refunded' },
      ],
    });
    renderWithProviders(<AuditEntryDrawer entry={entry} onClose={() => {}} />);

    const table = await screen.findByRole('table', { name: 'Changes' });
    const [, enabledRow, noteRow] = within(table).getAllByRole('row');
    expect(
      within(enabledRow!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Enabled', 'Yes', 'No']);
    expect(
      within(noteRow!)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Notes', '—', 'Refunded']);
  });

  it('shows the actor, the item with its links, and the request', async () => {
    renderWithProviders(<AuditEntryDrawer entry={makeAuditEntry()} onClose={() => {}} />);

    expect(await screen.findByText('License disabled')).toBeInTheDocument();
    const actor = screen.getByRole('table', { name: 'Actor' });
    expect(within(actor).getByText('Ann Admin')).toBeInTheDocument();
    expect(within(actor).getByText('ann@acme.test')).toBeInTheDocument();

    expect(screen.getByRole('link', { name: 'LIC-0001' })).toHaveAttribute(
      'href',
      '/licenses/7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    );
    expect(screen.getByRole('link', { name: 'Order #1001' })).toHaveAttribute(
      'href',
      '/orders/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
    );

    const request = screen.getByRole('table', { name: 'Request' });
    expect(within(request).getByText('req-123')).toBeInTheDocument();
    expect(within(request).getByRole('button', { name: 'Copy request id' })).toBeInTheDocument();
    expect(within(request).getByText('203.0.113.7')).toBeInTheDocument();
    expect(within(request).getByText('Mozilla/5.0 (test)')).toBeInTheDocument();
    expect(within(request).getByText('42')).toBeInTheDocument();
    const integrity = screen.getByRole('table', { name: 'Integrity' });
    expect(within(integrity).getByText('a'.repeat(64))).toBeInTheDocument();
    expect(within(integrity).getByText('0'.repeat(64))).toBeInTheDocument();
    expect(within(request).getByText('Web app')).toBeInTheDocument();
    expect(within(actor).getByText('Platform user')).toBeInTheDocument();
  });

  it('says an entry is still sealing where its seq and hashes will be', async () => {
    renderWithProviders(<AuditEntryDrawer entry={makeAuditEntry({ seq: null, prevHash: null, hash: null })} onClose={() => {}} />);

    const request = await screen.findByRole('table', { name: 'Request' });
    expect(within(request).getByText('Sealing…')).toBeInTheDocument();
    const integrity = screen.getByRole('table', { name: 'Integrity' });
    expect(within(integrity).getAllByText('Sealing…')).toHaveLength(2);
  });

  it('shows an Access and security entry about an API key as plain text: API keys have no page', async () => {
    const key = {
      type: 'api_key' as const,
      id: '0193aa00-0000-7000-8000-000000000001',
      label: 'Deploy bot',
    };
    renderWithProviders(
      <AuditEntryDrawer
        entry={makeAuditEntry({
          action: 'api_key_created',
          target: key,
          links: [key],
          changes: [
            { field: 'name', before: null, after: 'Deploy bot' },
            { field: 'secret', before: null, after: '[redacted]' },
          ],
        })}
        onClose={() => {}}
      />,
    );

    expect(await screen.findByText('API key created')).toBeInTheDocument();
    expect(screen.getAllByText('Deploy bot').length).toBeGreaterThan(0);
    expect(screen.queryByRole('link', { name: 'Deploy bot' })).not.toBeInTheDocument();
    expect(screen.queryAllByRole('link')).toEqual([]);
  });

  it('has a link of its own, and steps to the newer and older entries', async () => {
    const onPrevious = jest.fn();
    renderWithProviders(
      <AuditEntryDrawer
        entry={makeAuditEntry()}
        onClose={() => {}}
        onPrevious={onPrevious}
        onNext={null}
        position={{ index: 3, loaded: 50, more: true }}
      />,
    );
    expect(await screen.findByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    expect(screen.getByText('4 of 50+')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Older →' })).toBeDisabled();
    screen.getByRole('button', { name: '← Newer' }).click();
    expect(onPrevious).toHaveBeenCalled();
  });

  it('renders nothing when no entry is open', () => {
    renderWithProviders(<AuditEntryDrawer entry={null} onClose={() => {}} />);
    expect(screen.queryByRole('table', { name: 'Changes' })).not.toBeInTheDocument();
  });
});
