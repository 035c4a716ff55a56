import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuditEntry } from '@keyledger/contract';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeAuditEntry } from '../../../test/factories';
import { renderWithProviders } from '../../../test/render';
import { AuditLogTable } from './AuditLogTable';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entry = (seq: number, overrides: Partial<AuditEntry> = {}) =>
  makeAuditEntry({ id: uuid(seq), seq, ...overrides });

// jsdom lays nothing out; give every element a size (Mantine measures some).
beforeAll(() => {
  jest.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockReturnValue({
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    bottom: 56,
    right: 1000,
    width: 1000,
    height: 56,
    toJSON: () => ({}),
  } as DOMRect);
  jest.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(600);
  jest.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
});
afterAll(() => jest.restoreAllMocks());

describe('AuditLogTable rows', () => {
  it('shows each entry: action, who, the item link and a summary of its changes', async () => {
    mockFetch(() => ({
      status: 200,
      body: {
        items: [
          entry(2, {
            action: 'product_updated',
            target: { type: 'product', id: uuid(900), label: 'Acme Studio' },
            changes: [
              { field: 'name', before: 'Old', after: 'New' },
              { field: 'code', before: 'a', after: 'b' },
            ],
          }),
          entry(1, { actor: { type: 'api_key', id: null, name: '…f00d', email: null } }),
        ],
        nextCursor: null,
      },
    }));
    renderWithProviders(<AuditLogTable filter={{}} />);

    const row = await screen.findByRole('row', { name: 'Entry 2, open details' });
    expect(within(row).getByText('Product updated')).toBeInTheDocument();
    expect(within(row).getByText('Ann Admin')).toBeInTheDocument();
    expect(within(row).getByRole('link', { name: 'Acme Studio' })).toHaveAttribute(
      'href',
      `/products/${uuid(900)}`,
    );
    expect(within(row).getByText('Name: Old → New, +1 more')).toBeInTheDocument();
    const time = within(row).getByText((_, el) => el?.tagName === 'TIME');
    // The other zone on hover (the table shows local time unless UTC is chosen).
    expect(time).toHaveAttribute('title', '2026-03-15 12:34:56 UTC');
    expect(time).toHaveAttribute('datetime', '2026-03-15T12:34:56.000Z');

    expect(
      within(screen.getByRole('row', { name: 'Entry 1, open details' })).getByText('API key …f00d'),
    ).toBeInTheDocument();
  });

  it('marks an entry still sealing (no seq yet), and only that one', async () => {
    mockFetch(() => ({
      status: 200,
      body: { items: [makeAuditEntry({ id: uuid(50), seq: null, prevHash: null, hash: null }), entry(4)], nextCursor: null },
    }));
    renderWithProviders(<AuditLogTable filter={{}} />);

    const sealing = await screen.findByRole('row', { name: 'Entry (sealing), open details' });
    expect(within(sealing).getByText('Sealing')).toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: 'Entry 4, open details' })).queryByText('Sealing')).toBeNull();
  });

  it('opens the entry in a drawer from the keyboard', async () => {
    mockFetch(() => ({ status: 200, body: { items: [entry(7)], nextCursor: null } }));
    renderWithProviders(<AuditLogTable filter={{}} />);
    const row = await screen.findByRole('row', { name: 'Entry 7, open details' });

    row.focus();
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('table', { name: 'Changes' })).toHaveTextContent('EnabledYesNo');
  });

  it('loads the next page with the cursor when the end is reached', async () => {
    const fetch = mockFetch((url) =>
      url.searchParams.get('cursor') === 'page-2'
        ? { status: 200, body: { items: [entry(1)], nextCursor: null } }
        : { status: 200, body: { items: [entry(3), entry(2)], nextCursor: 'page-2' } },
    );
    renderWithProviders(<AuditLogTable filter={{}} />);

    expect(await screen.findByRole('row', { name: 'Entry 1, open details' })).toBeInTheDocument();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('announces entries that arrived since, and shows them on click', async () => {
    let latest = 2;
    const fetch = mockFetch(() => ({
      status: 200,
      body: {
        items: Array.from({ length: latest }, (_, i) => entry(latest - i)),
        nextCursor: null,
      },
    }));
    const { queryClient } = renderWithProviders(<AuditLogTable filter={{}} />);
    await screen.findByRole('row', { name: 'Entry 2, open details' });

    latest = 4;
    // What the 10-second poll does.
    await queryClient.refetchQueries({ predicate: (q) => q.queryKey[2] === 'head' });
    const button = await screen.findByRole('button', { name: /2 new entries/ });
    expect(screen.queryByRole('row', { name: 'Entry 4, open details' })).not.toBeInTheDocument();

    await userEvent.click(button);
    expect(await screen.findByRole('row', { name: 'Entry 4, open details' })).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: /new entr/ })).not.toBeInTheDocument(),
    );
    expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(3);
  });

  describe('previous and next in the entry drawer', () => {
    // Here the list itself must not load the next page (jsdom's stub says everything is in view):
    // the drawer's step past the last loaded row has to.
    const realObserver = window.IntersectionObserver;
    beforeEach(() => {
      window.IntersectionObserver = class {
        observe() {}
        unobserve() {}
        disconnect() {}
      } as unknown as typeof IntersectionObserver;
    });
    afterEach(() => {
      window.IntersectionObserver = realObserver;
    });

    const twoPages = (secondPage: () => { status: number; body: unknown }) =>
      mockFetch((url) =>
        url.searchParams.get('cursor') === 'page-2'
          ? secondPage()
          : { status: 200, body: { items: [entry(3), entry(2)], nextCursor: 'page-2' } },
      );

    it('steps across a page boundary and says when there is nothing newer or older', async () => {
      const fetch = twoPages(() => ({
        status: 200,
        body: { items: [entry(1)], nextCursor: null },
      }));
      renderWithProviders(<AuditLogTable filter={{}} />);
      await userEvent.click(await screen.findByRole('row', { name: 'Entry 3, open details' }));

      // The first row: nothing newer, and the drawer says so.
      expect(await screen.findByText('1 of 2+')).toBeInTheDocument();
      expect(screen.getByRole('button', { name: '← Newer' })).toBeDisabled();
      expect(screen.getByRole('status')).toHaveTextContent(
        'Nothing newer: this is the newest entry',
      );

      await userEvent.click(screen.getByRole('button', { name: 'Older →' }));
      expect(await screen.findByText('2 of 2+')).toBeInTheDocument();
      expect(fetch).toHaveBeenCalledTimes(1);

      // The last row of the loaded page: Older loads the next page and opens its first entry.
      await userEvent.click(screen.getByRole('button', { name: 'Older →' }));
      expect(await screen.findByText('3 of 3')).toBeInTheDocument();
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(
        new URL(String(fetch.mock.calls[1]![0]), 'http://localhost').searchParams.get('cursor'),
      ).toBe('page-2');
      expect(screen.getByRole('button', { name: 'Older →' })).toBeDisabled();
      expect(screen.getByRole('status')).toHaveTextContent(
        'Nothing older: this is the oldest entry',
      );

      // And back across the boundary.
      await userEvent.click(screen.getByRole('button', { name: '← Newer' }));
      expect(await screen.findByText('2 of 3')).toBeInTheDocument();
    });

    it('says so when the next page cannot be loaded, and stays on the entry', async () => {
      twoPages(() => ({ status: 500, body: errorBody(500, 'Database unavailable') }));
      renderWithProviders(<AuditLogTable filter={{}} />);
      await userEvent.click(await screen.findByRole('row', { name: 'Entry 2, open details' }));
      expect(await screen.findByText('2 of 2+')).toBeInTheDocument();

      await userEvent.click(screen.getByRole('button', { name: 'Older →' }));
      expect(await screen.findByText('The older entries could not be loaded')).toBeInTheDocument();
      expect(screen.getByText('2 of 2+')).toBeInTheDocument();
    });
  });
});
