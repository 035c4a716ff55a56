import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { renderWithProviders } from '../../../test/render';
import { AuditLogTable } from './AuditLogTable';

const EMPTY_PAGE = { status: 200, body: { items: [], nextCursor: null } };

describe(AuditLogTable.name, () => {
  it('says when no entry matches the filters, and offers to clear them', async () => {
    const fetch = mockFetch(() => EMPTY_PAGE);
    const onClearFilters = jest.fn();
    renderWithProviders(
      <AuditLogTable
        filter={{ action: 'license_created', q: 'refund' }}
        filtered
        onClearFilters={onClearFilters}
      />,
    );

    expect(await screen.findByText('No entries match these filters')).toBeInTheDocument();
    const url = new URL(fetch.mock.calls[0]![0], 'http://localhost');
    expect(url.pathname).toBe('/api/v1/audit-log');
    expect(url.searchParams.get('action')).toBe('license_created');
    expect(url.searchParams.get('q')).toBe('refund');
    expect(fetch.mock.calls[0]![1]).toMatchObject({ credentials: 'include' });

    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(onClearFilters).toHaveBeenCalledTimes(1);
  });

  it('asks one item’s history from its own route, with related items by default', async () => {
    const fetch = mockFetch(() => EMPTY_PAGE);
    renderWithProviders(
      <AuditLogTable itemType="product" itemId="7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" />,
    );

    expect(await screen.findByText('No entries yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Clear filters' })).not.toBeInTheDocument();
    const url = new URL(fetch.mock.calls[0]![0], 'http://localhost');
    expect(url.pathname).toBe('/api/v1/products/7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/audit-log');
    expect(url.searchParams.get('related')).toBe('true');

    await userEvent.click(await screen.findByRole('switch', { name: 'Include related items' }));
    await waitFor(() => expect(fetch).toHaveBeenCalledTimes(2));
    expect(new URL(fetch.mock.calls[1]![0], 'http://localhost').searchParams.get('related')).toBe(
      'false',
    );
  });

  it('shows the error and retries on demand', async () => {
    let calls = 0;
    mockFetch(() =>
      ++calls === 1 ? { status: 500, body: errorBody(500, 'Database unavailable') } : EMPTY_PAGE,
    );
    renderWithProviders(<AuditLogTable filter={{}} />);

    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No entries yet')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('explains a refused filter without offering a pointless retry', async () => {
    mockFetch(() => ({
      status: 400,
      body: errorBody(400, 'Invalid query', [
        { path: 'q (foo:bar)', message: 'unknown search key "foo"' },
      ]),
    }));
    renderWithProviders(<AuditLogTable filter={{ q: 'foo:bar' }} filtered />);

    expect(await screen.findByRole('alert')).toHaveTextContent('unknown search key "foo"');
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });
});
