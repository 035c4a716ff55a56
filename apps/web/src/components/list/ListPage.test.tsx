import type { Product } from '@keyledger/contract';
import { Button } from '@mantine/core';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { tsr } from '../../api/tsr';
import { errorBody, mockFetch } from '../../test/fetchMock';
import { renderWithProviders } from '../../test/render';
import { EmptyList, type Column } from './KeysetTable';
import { ListPage } from './ListPage';
import { useKeysetList } from './useKeysetList';

const AT = '2026-03-15T12:00:00.000Z';
const product = (n: number): Product => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  name: `Product ${n}`,
  code: `p-${n}`,
  status: 'active',
  archived: false,
  features: [],
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
});

const COLUMNS: Column<Product>[] = [
  { header: 'Name', cell: (p) => p.name },
  { header: 'Code', cell: (p) => p.code, ff: 'monospace' },
];

/** A page over the real client (tsr.products.list), its search held like a route's URL state. */
function Page({ onSearch }: { onSearch?: (v: string | undefined) => void }) {
  const [search, setSearch] = useState<string | undefined>();
  const list = useKeysetList(['test-products', search], (cursor) =>
    tsr.products.list.query({ query: { search, cursor, limit: 2 } }),
  );
  return (
    <ListPage
      title="Products"
      description="What you sell"
      action={<Button>New product</Button>}
      search={{
        label: 'Search products',
        placeholder: 'Name or code',
        value: search,
        onChange: (v) => {
          onSearch?.(v);
          setSearch(v);
        },
      }}
      label="Products"
      what="products"
      columns={COLUMNS}
      rowKey={(p) => p.id}
      list={list}
      empty={<EmptyList title={search ? 'No product matches this search' : 'No products yet'} />}
    />
  );
}

const names = () =>
  within(screen.getByRole('table', { name: 'Products' }))
    .getAllByRole('row')
    .slice(1)
    .map((r) => within(r).getAllByRole('cell')[0]!.textContent);

describe(ListPage.name, () => {
  it('shows loading, then the rows, and loads the next page by its cursor', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const fetch = mockFetch(async (url) => {
      await gate;
      const cursor = url.searchParams.get('cursor');
      return cursor === 'page-2'
        ? { status: 200, body: { items: [product(3)], nextCursor: null } }
        : { status: 200, body: { items: [product(1), product(2)], nextCursor: 'page-2' } };
    });
    renderWithProviders(<Page />);
    expect(await screen.findByRole('heading', { name: 'Products' })).toBeInTheDocument();
    expect(screen.getByLabelText('Loading products')).toBeInTheDocument();
    open();
    await waitFor(() => expect(names()).toEqual(['Product 1', 'Product 2']));
    expect(screen.getByRole('columnheader', { name: 'Code' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(names()).toEqual(['Product 1', 'Product 2', 'Product 3']));
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    const urls = fetch.mock.calls.map(([u]) => new URL(u, 'http://localhost'));
    expect(
      urls.map((u) => [u.pathname, u.searchParams.get('cursor'), u.searchParams.get('limit')]),
    ).toEqual([
      ['/api/v1/products', null, '2'],
      ['/api/v1/products', 'page-2', '2'],
    ]);
  });

  it('says when nothing matches the search, which it sends once typing pauses', async () => {
    const fetch = mockFetch((url) =>
      url.searchParams.get('search')
        ? { status: 200, body: { items: [], nextCursor: null } }
        : { status: 200, body: { items: [product(1)], nextCursor: null } },
    );
    const onSearch = jest.fn();
    renderWithProviders(<Page onSearch={onSearch} />);
    await waitFor(() => expect(names()).toEqual(['Product 1']));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search products' }), 'zzz');
    expect(await screen.findByText('No product matches this search')).toBeInTheDocument();
    expect(onSearch.mock.calls).toEqual([['zzz']]);
    expect(
      fetch.mock.calls.map(([u]) => new URL(u, 'http://localhost').searchParams.get('search')),
    ).toEqual([null, 'zzz']);
    expect(screen.queryByRole('table', { name: 'Products' })).not.toBeInTheDocument();
  });

  it('shows an error with its request id, and Retry loads again', async () => {
    let fail = true;
    mockFetch(() =>
      fail
        ? { status: 500, body: errorBody(500, 'The database is unavailable') }
        : { status: 200, body: { items: [product(7)], nextCursor: null } },
    );
    renderWithProviders(<Page />);
    const alert = await screen.findByText(/The database is unavailable/);
    expect(alert).toHaveTextContent('(request id req-test)');
    expect(screen.getByText('The products could not be loaded')).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(names()).toEqual(['Product 7']));
  });

  it('says why a list is forbidden instead of an error', async () => {
    mockFetch(() => ({
      status: 403,
      body: errorBody(403, 'You need the products:read permission for this'),
    }));
    renderWithProviders(<Page />);
    expect(await screen.findByText(/products:read/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });
});
