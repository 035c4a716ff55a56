import type { Device, License } from '@keyledger/contract';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockFetch } from '../../../test/fetchMock';
import { renderWithProviders } from '../../../test/render';
import { LicenseActions } from './LicenseActions';

const ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const AT = '2026-03-15T12:00:00.000Z';

const license = (o: Partial<License> = {}): License => ({
  id: ID,
  key: 'ABCD-EFGH-JKLM-NPQR',
  keyHint: '****-****-****-NPQR',
  orderId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  productId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  customerId: '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f',
  type: 'consumption',
  enabled: true,
  maxActivations: 3,
  validUntil: null,
  maxConsumptions: 10,
  consumptions: 0,
  features: [],
  users: [],
  customFields: [],
  deletedAt: null,
  createdAt: AT,
  updatedAt: AT,
  ...o,
});

const device = (active: boolean): Device => ({
  id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  licenseId: ID,
  hardwareId: 'HW-1',
  name: 'Laptop',
  os: 'macOS',
  active,
  blacklisted: false,
  borrowedUntil: null,
  activatedAt: AT,
  createdAt: AT,
  updatedAt: AT,
});

function serve(devices: Device[]) {
  return mockFetch((url, init) => {
    if (url.pathname === `/api/v1/licenses/${ID}/devices`)
      return { status: 200, body: { items: devices, nextCursor: null } };
    return { status: 500, body: { message: `unexpected ${init.method ?? 'GET'} ${url.pathname}` } };
  });
}

describe(LicenseActions.name, () => {
  it('disables both resets with a reason when the count is 0 and no device is active, and sends nothing', async () => {
    const fetch = serve([device(false)]);
    renderWithProviders(<LicenseActions license={license({ consumptions: 0 })} />);
    const resetConsumption = await screen.findByRole('button', { name: 'Reset consumption' });
    expect(resetConsumption).toHaveAttribute('aria-disabled', 'true');
    expect(resetConsumption).toHaveAccessibleDescription(
      'The count is already 0: there is nothing to reset',
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Reset' })).toHaveAccessibleDescription(
        'No device holds an activation: there is nothing to reset',
      ),
    );
    const reset = screen.getByRole('button', { name: 'Reset' });
    await userEvent.click(resetConsumption);
    await userEvent.click(reset);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(fetch.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(0);
  });

  it('asks before resetting when there is something to reset', async () => {
    const fetch = serve([device(true)]);
    renderWithProviders(<LicenseActions license={license({ consumptions: 4 })} />);
    const resetConsumption = await screen.findByRole('button', { name: 'Reset consumption' });
    expect(resetConsumption).not.toHaveAttribute('aria-disabled');
    await userEvent.click(resetConsumption);
    expect(await screen.findByRole('dialog')).toHaveTextContent('The count goes back from 4 to 0.');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Reset' })).not.toHaveAttribute('aria-disabled');
  });
});
