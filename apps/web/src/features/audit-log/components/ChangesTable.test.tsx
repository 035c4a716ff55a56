import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { ChangesTable } from './ChangesTable';

const ORDER = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const PRODUCT = '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d';

const cells = (field: string) =>
  within(screen.getByRole('table', { name: 'Changes' }))
    .getAllByRole('row')
    .find((r) => r.textContent?.startsWith(field))!;

describe(ChangesTable.name, () => {
  afterEach(() => localStorage.clear());

  it('shows a list change as added and removed items, the full lists one click away', async () => {
    renderWithProviders(
      <ChangesTable
        changes={[
          {
            field: 'permissions',
            before: ['licenses:read', 'orders:read', 'products:read'],
            after: ['licenses:read', 'products:read', 'orders:write'],
          },
        ]}
      />,
    );
    const row = await screen.findByRole('row', { name: /Permissions/ });
    expect(within(row).getByRole('group', { name: 'Added' })).toHaveTextContent('+ orders:write');
    expect(within(row).getByRole('group', { name: 'Removed' })).toHaveTextContent('− orders:read');
    expect(within(row).queryByText(/products:read/)).not.toBeInTheDocument();
    await userEvent.click(within(row).getByRole('button', { name: 'Show all (2 unchanged)' }));
    expect(
      within(row).getByText(/Before: licenses:read, orders:read, products:read/),
    ).toBeInTheDocument();
  });

  it('shows ids as the linked names of their items: from the entry, else fetched', async () => {
    const fetch = mockFetch((url) =>
      url.pathname === `/api/v1/products/${PRODUCT}`
        ? { status: 200, body: { id: PRODUCT, name: 'Hoverboard' } }
        : { status: 404, body: {} },
    );
    renderWithProviders(
      <ChangesTable
        changes={[
          { field: 'orderId', before: null, after: ORDER },
          { field: 'productId', before: null, after: PRODUCT },
        ]}
        links={[{ type: 'order', id: ORDER, label: 'Order #1001' }]}
      />,
    );
    expect(await screen.findByRole('link', { name: 'Order #1001' })).toHaveAttribute(
      'href',
      `/orders/${ORDER}`,
    );
    expect(await screen.findByRole('link', { name: 'Hoverboard' })).toHaveAttribute(
      'href',
      `/products/${PRODUCT}`,
    );
    expect(fetch).toHaveBeenCalledTimes(1); // the order's name came from the entry
    expect(cells('Order')).toBeDefined();
  });

  it("shows an id as text, without fetching, when the viewer may not open the item's page", async () => {
    const fetch = mockFetch(() => ({ status: 403, body: {} }));
    renderWithProviders(
      <ChangesTable changes={[{ field: 'productId', before: null, after: PRODUCT }]} links={[]} />,
      { session: makeSession({ isAdmin: false, permissions: ['audit_log:read'] }) },
    );
    await screen.findByRole('table', { name: 'Changes' });
    expect(screen.queryAllByRole('link')).toEqual([]);
    expect(screen.getByText(/Product 6a7b8c9d…/)).toBeInTheDocument();
    expect(fetch).not.toHaveBeenCalled();
  });

  it('shows instants in the chosen zone, and folds long values', async () => {
    localStorage.setItem(`keyledger:time-zone:${makeSession().user.id}`, 'utc');
    renderWithProviders(
      <ChangesTable
        changes={[
          { field: 'validUntil', before: '2026-03-04T05:06:07.000Z', after: null },
          { field: 'notes', before: null, after: 'x'.repeat(500) },
        ]}
      />,
    );
    const table = await screen.findByRole('table', { name: 'Changes' });
    expect(within(table).getByText('2026-03-04 05:06')).toBeInTheDocument();
    expect(within(table).queryByText('x'.repeat(500))).not.toBeInTheDocument();
    await userEvent.click(within(table).getByRole('button', { name: 'Show all (500 characters)' }));
    expect(within(table).getByText('x'.repeat(500))).toBeInTheDocument();
  });
});
