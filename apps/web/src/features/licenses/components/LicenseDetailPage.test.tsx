import type { Device, License, Session } from '@keyledger/contract';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeAuditEntry, makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const LICENSE_ID = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ORDER_ID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const PRODUCT_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CUSTOMER_ID = '9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f';
const AT = '2026-03-15T12:00:00.000Z';

// jsdom lays nothing out; give every element a size so the virtualized history renders rows.
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

function makeLicense(overrides: Partial<License> = {}): License {
  return {
    id: LICENSE_ID,
    key: 'ABCD-EFGH-JKLM-NPQR',
    keyHint: '****-****-****-NPQR',
    orderId: ORDER_ID,
    productId: PRODUCT_ID,
    customerId: CUSTOMER_ID,
    type: 'perpetual',
    enabled: true,
    maxActivations: 3,
    validUntil: null,
    maxConsumptions: null,
    consumptions: 0,
    features: ['export'],
    users: [],
    customFields: [],
    deletedAt: null,
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

const DEVICE: Device = {
  id: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
  licenseId: LICENSE_ID,
  hardwareId: 'HW-1234',
  name: 'Ada’s laptop',
  os: 'macOS',
  active: true,
  blacklisted: false,
  borrowedUntil: null,
  activatedAt: AT,
  createdAt: AT,
  updatedAt: AT,
};

function api({
  disable,
  session = makeSession(),
  license: licenseStatus = 200,
}: {
  disable: 'ok' | 'conflict';
  session?: Session;
  license?: 200 | 403;
}) {
  let license = makeLicense({
    users: [
      {
        id: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
        email: 'bob@initech.test',
        firstName: 'Bob',
        lastName: null,
        createdAt: AT,
      },
    ],
    customFields: [
      {
        id: '4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f7a',
        name: 'Seat',
        value: 'A1',
        createdAt: AT,
        updatedAt: AT,
      },
    ],
  });
  let entries = [
    makeAuditEntry({
      id: '00000000-0000-4000-8000-000000000001',
      seq: 1,
      action: 'license_created',
      changes: [],
    }),
  ];
  return mockFetch((url, init) => {
    const path = url.pathname;
    const method = init.method ?? 'GET';
    if (path === '/api/v1/auth/me') return { status: 200, body: session };
    if (path === `/api/v1/licenses/${LICENSE_ID}` && method === 'GET')
      return licenseStatus === 403
        ? { status: 403, body: errorBody(403, 'You need the licenses:read permission for this') }
        : { status: 200, body: license };
    if (path === `/api/v1/licenses/${LICENSE_ID}/disable` && method === 'POST') {
      if (disable === 'conflict')
        return { status: 409, body: errorBody(409, 'The license is already disabled') };
      license = { ...license, enabled: false };
      entries = [
        makeAuditEntry({ id: '00000000-0000-4000-8000-000000000002', seq: 2 }),
        ...entries,
      ];
      return { status: 200, body: license };
    }
    if (path === `/api/v1/licenses/${LICENSE_ID}/devices`)
      return { status: 200, body: { items: [DEVICE], nextCursor: null } };
    if (path === `/api/v1/licenses/${LICENSE_ID}/audit-log`)
      return { status: 200, body: { items: entries, nextCursor: null } };
    if (path === `/api/v1/products/${PRODUCT_ID}`)
      return {
        status: 200,
        body: {
          id: PRODUCT_ID,
          name: 'Photon Studio',
          code: 'photon',
          status: 'active',
          archived: false,
          features: ['export'],
          deletedAt: null,
          createdAt: AT,
          updatedAt: AT,
        },
      };
    if (path === `/api/v1/orders/${ORDER_ID}`)
      return {
        status: 200,
        body: {
          id: ORDER_ID,
          reference: 'PO-1001',
          customerId: CUSTOMER_ID,
          isTrial: false,
          notes: null,
          managers: [],
          deletedAt: null,
          createdAt: AT,
          updatedAt: AT,
        },
      };
    if (path === `/api/v1/customers/${CUSTOMER_ID}`)
      return {
        status: 200,
        body: {
          id: CUSTOMER_ID,
          email: 'ada@initech.test',
          firstName: 'Ada',
          lastName: 'Lovelace',
          company: 'Initech',
          phone: null,
          reference: null,
          deletedAt: null,
          createdAt: AT,
          updatedAt: AT,
        },
      };
    return { status: 404, body: errorBody(404, `Not found: ${method} ${path}`) };
  });
}

const callsTo = (fetch: ReturnType<typeof api>, path: string, method = 'GET') =>
  fetch.mock.calls.filter(
    ([u, init]) =>
      new URL(u, 'http://localhost').pathname === path && (init?.method ?? 'GET') === method,
  );

describe('License page', () => {
  it('shows the license with its product, order and customer', async () => {
    api({ disable: 'ok' });
    renderApp(`/licenses/${LICENSE_ID}`);
    expect(await screen.findByRole('heading', { name: 'ABCD-EFGH-JKLM-NPQR' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Photon Studio' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'PO-1001' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Ada Lovelace (Initech)' })).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'History of ABCD-EFGH-JKLM-NPQR' }),
    ).toBeInTheDocument();
  });

  it('disables after a confirmation, then refetches the license and its history', async () => {
    const fetch = api({ disable: 'ok' });
    renderApp(`/licenses/${LICENSE_ID}`);
    const history = `/api/v1/licenses/${LICENSE_ID}/audit-log`;
    await screen.findByText('License created');
    expect(callsTo(fetch, history)).toHaveLength(1);

    await userEvent.click(screen.getByRole('button', { name: 'Disable' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable this license?' });
    expect(callsTo(fetch, `/api/v1/licenses/${LICENSE_ID}/disable`, 'POST')).toHaveLength(0);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable license' }));

    await waitFor(() =>
      expect(callsTo(fetch, `/api/v1/licenses/${LICENSE_ID}/disable`, 'POST')).toHaveLength(1),
    );

    // The page shows the new state, and the history its new entry, without a reload.
    expect(await screen.findByRole('button', { name: 'Enable' })).toBeInTheDocument();
    expect(screen.getAllByText('Disabled').length).toBeGreaterThan(0);
    const table = screen.getByRole('table', { name: 'History of ABCD-EFGH-JKLM-NPQR' });
    expect(await within(table).findByText('License disabled')).toBeInTheDocument();
    expect(callsTo(fetch, history).length).toBeGreaterThanOrEqual(2);
    expect(callsTo(fetch, `/api/v1/licenses/${LICENSE_ID}`).length).toBeGreaterThanOrEqual(2);
    await waitFor(() =>
      expect(
        screen.queryByRole('dialog', { name: 'Disable this license?' }),
      ).not.toBeInTheDocument(),
    );
  });

  it('shows the API’s 409 message when the disable is refused', async () => {
    api({ disable: 'conflict' });
    renderApp(`/licenses/${LICENSE_ID}`);
    await userEvent.click(await screen.findByRole('button', { name: 'Disable' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable this license?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable license' }));
    // The API's message, with the request id support needs to find it in the logs.
    expect(
      await screen.findByText('The license is already disabled (request id req-test)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Could not disable the license')).toBeInTheDocument();
  });
});

describe('License page, by permission', () => {
  const member = (permissions: Session['user']['permissions']) =>
    makeSession({ isAdmin: false, name: 'Sam Support', permissions });

  it('shows an admin every license, device and history action', async () => {
    api({ disable: 'ok' });
    renderApp(`/licenses/${LICENSE_ID}`);
    await screen.findByRole('heading', { name: 'ABCD-EFGH-JKLM-NPQR' });
    for (const name of [
      'Edit',
      'Edit features',
      'Reset',
      'Disable',
      'Delete',
      'Assign user',
      'Add field',
    ])
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Blacklist Ada’s laptop' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'History' })).toBeInTheDocument();
  });

  it('hides the license actions from a user without licenses:write', async () => {
    api({ disable: 'ok', session: member(['licenses:read', 'devices:write', 'audit_log:read']) });
    renderApp(`/licenses/${LICENSE_ID}`);
    await screen.findByRole('heading', { name: 'ABCD-EFGH-JKLM-NPQR' });
    expect(
      await screen.findByRole('button', { name: 'Blacklist Ada’s laptop' }),
    ).toBeInTheDocument();
    for (const name of [
      'Edit',
      'Edit features',
      'Reset',
      'Disable',
      'Delete',
      'Assign user',
      'Add field',
      'Unassign bob@initech.test',
      'Edit Seat',
      'Delete Seat',
    ])
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument();
    // What the user may read is still there.
    expect(screen.getByRole('table', { name: 'License users' })).toHaveTextContent(
      'bob@initech.test',
    );
    expect(screen.getByRole('table', { name: 'Custom fields' })).toHaveTextContent('Seat');
  });

  it('hides the device actions without devices:write, and the history without audit_log:read', async () => {
    const fetch = api({ disable: 'ok', session: member(['licenses:read', 'licenses:write']) });
    renderApp(`/licenses/${LICENSE_ID}`);
    await screen.findByRole('heading', { name: 'ABCD-EFGH-JKLM-NPQR' });
    expect(screen.getByRole('button', { name: 'Disable' })).toBeInTheDocument();
    const devices = await screen.findByRole('table', { name: 'Devices' });
    expect(devices).toHaveTextContent('Ada’s laptop');
    expect(within(devices).queryByRole('button')).not.toBeInTheDocument();
    // The history is not shown, and the section says why.
    const history = screen.getByRole('region', { name: 'History' });
    expect(history).toHaveTextContent("Hidden: you don't have permission to view the audit log");
    expect(within(history).queryByRole('table')).not.toBeInTheDocument();
    expect(callsTo(fetch, `/api/v1/licenses/${LICENSE_ID}/audit-log`)).toHaveLength(0);
  });

  it('says which permission to ask for when the API answers 403', async () => {
    // The session (loaded earlier) still grants licenses:read; the API has since stopped doing so.
    const fetch = api({ disable: 'ok', session: member(['licenses:read']), license: 403 });
    renderApp(`/licenses/${LICENSE_ID}`);
    const alert = await screen.findByRole('alert', { name: /You don't have permission/ });
    expect(alert).toHaveAccessibleName("You don't have permission to view licenses");
    expect(alert).toHaveTextContent('Ask an admin of Acme for the licenses:read permission.');
    expect(screen.queryByText('The license could not be loaded')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    // …and reloads the session, so the rest of the app catches up with the new permissions.
    await waitFor(() => expect(callsTo(fetch, '/api/v1/auth/me')).toHaveLength(2));
  });

  it('shows the permission message, without asking the API, when a link leads to a page the user may not read', async () => {
    const fetch = api({ disable: 'ok', session: member(['orders:read']) });
    renderApp(`/licenses/${LICENSE_ID}`);
    const alert = await screen.findByRole('alert', { name: /You don't have permission/ });
    expect(alert).toHaveAccessibleName("You don't have permission to view licenses");
    expect(alert).toHaveTextContent('Ask an admin of Acme for the licenses:read permission.');
    expect(callsTo(fetch, `/api/v1/licenses/${LICENSE_ID}`)).toHaveLength(0);
  });
});
