import type { Product } from '@keyledger/contract';
import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ProductFormModal } from '../../features/products/components/ProductFormModal';
import { errorBody, mockFetch } from '../../test/fetchMock';
import { renderWithProviders } from '../../test/render';

const AT = '2026-03-15T12:00:00.000Z';
const PRODUCT: Product = {
  id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  name: 'Photon Studio',
  code: 'photon',
  status: 'active',
  archived: false,
  features: ['export'],
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
};

function Harness({ product, onSaved }: { product?: Product; onSaved?: (p: Product) => void }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <>
      <Button onClick={open}>Open</Button>
      <ProductFormModal opened={opened} onClose={close} product={product} onSaved={onSaved} />
    </>
  );
}

const posts = (fetch: jest.Mock) =>
  fetch.mock.calls.filter(([, init]) => init?.method && init.method !== 'GET');

describe('FormModal (through the product form)', () => {
  it('checks the fields before sending, and sends nothing while they are wrong', async () => {
    const fetch = mockFetch(() => ({ status: 500 }));
    renderWithProviders(<Harness />);
    await userEvent.click(await screen.findByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog', { name: 'New product' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(/./);
    expect(posts(fetch)).toHaveLength(0);
  });

  it("shows the API's field error beside its field, and any other error above the form with its request id", async () => {
    let answer = 'field';
    const fetch = mockFetch(() =>
      answer === 'field'
        ? {
            status: 409,
            body: errorBody(409, 'Code taken', [
              { path: 'body.code', message: 'photon is already used' },
            ]),
          }
        : { status: 503, body: errorBody(503, 'Try again in a minute') },
    );
    renderWithProviders(<Harness />);
    await userEvent.click(await screen.findByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog', { name: 'New product' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Photon');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Code' }), 'photon');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create product' }));
    await waitFor(() =>
      expect(within(dialog).getByRole('textbox', { name: 'Code' })).toHaveAccessibleDescription(
        expect.stringContaining('photon is already used'),
      ),
    );
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();

    answer = 'other';
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create product' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Try again in a minute (request id req-test)',
    );
    expect(JSON.parse(String(posts(fetch)[1]![1]!.body))).toEqual({
      name: 'Photon',
      code: 'photon',
      features: [],
    });
  });

  it('starts from the item on every opening; Cancel and an unchanged Save close without sending', async () => {
    const fetch = mockFetch(() => ({ status: 500 }));
    renderWithProviders(<Harness product={PRODUCT} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Open' }));
    let dialog = await screen.findByRole('dialog', { name: 'Edit product' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    expect(name).toHaveValue('Photon Studio');
    await userEvent.clear(name);
    await userEvent.type(name, 'Draft');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await userEvent.click(screen.getByRole('button', { name: 'Open' }));
    dialog = await screen.findByRole('dialog', { name: 'Edit product' });
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveValue('Photon Studio');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(posts(fetch)).toHaveLength(0);
  });

  it('sends only what changed, and hands the saved item back', async () => {
    const fetch = mockFetch((_url, init) => ({
      status: 200,
      body: { ...PRODUCT, ...JSON.parse(String(init.body)) },
    }));
    const onSaved = jest.fn();
    renderWithProviders(<Harness product={PRODUCT} onSaved={onSaved} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Open' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit product' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    await userEvent.clear(name);
    await userEvent.type(name, 'Photon Pro');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ name: 'Photon Pro' })),
    );
    const [url, init] = posts(fetch)[0]!;
    expect([
      init!.method,
      new URL(url, 'http://localhost').pathname,
      JSON.parse(String(init!.body)),
    ]).toEqual(['PATCH', `/api/v1/products/${PRODUCT.id}`, { name: 'Photon Pro' }]);
  });
});
