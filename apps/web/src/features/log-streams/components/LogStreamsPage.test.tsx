import type { LogStream, LogStreamHealth, Session } from '@keyledger/contract';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const AT = '2026-03-15T12:00:00.000Z';
const SECRET = 'whsec_c2VjcmV0LXNpZ25pbmcta2V5LWZvci10aGUtdGVzdC0xMjM0';
const ID = '0193a1b2-0000-7000-8000-0000000000f1';

function makeStream(overrides: Partial<LogStream> = {}): LogStream {
  return {
    id: ID,
    name: 'Splunk SIEM',
    destination: {
      type: 'webhook',
      url: 'https://siem.acme.test/hooks',
      secretsSet: ['signingSecret'],
    },
    filter: {},
    filterInWords: 'every entry',
    startPoint: 'beginning',
    status: 'active',
    deliveredThroughSeq: 40,
    createdBy: {
      type: 'platform_user',
      id: '3f0c8a5e-2b1d-4c3e-8f7a-9b6c5d4e3f2a',
      name: 'Ann Admin',
    },
    createdAt: AT,
    updatedAt: AT,
    ...overrides,
  };
}

function makeHealth(overrides: Partial<LogStreamHealth> = {}): LogStreamHealth {
  return {
    streamId: ID,
    status: 'active',
    deliveredThroughSeq: 40,
    headSeq: 52,
    lagEntries: 12,
    lagSeconds: 3.2,
    lastSuccessAt: AT,
    lastError: { at: AT, statusCode: 500, message: 'HTTP 500: upstream down' },
    consecutiveFailures: 1,
    nextAttemptAt: AT,
    attempts: [],
    ...overrides,
  };
}

function api({
  streams = [makeStream()],
  session = makeSession(),
}: { streams?: LogStream[]; session?: Session } = {}) {
  let stored = streams;
  return mockFetch(async (url, init) => {
    const method = init.method ?? 'GET';
    const path = url.pathname;
    if (path === '/api/v1/auth/me') return { status: 200, body: session };
    if (path === '/api/v1/log-streams' && method === 'GET')
      return { status: 200, body: { items: stored, nextCursor: null } };
    if (path === '/api/v1/log-streams' && method === 'POST') {
      const body = JSON.parse(String(init.body)) as {
        name: string;
        destination: { type: LogStream['destination']['type']; url: string };
        filter: LogStream['filter'];
        startPoint: LogStream['startPoint'];
      };
      const created = makeStream({
        id: '0193a1b2-0000-7000-8000-0000000000f2',
        name: body.name,
        destination:
          body.destination.type === 'webhook'
            ? { type: 'webhook', url: body.destination.url, secretsSet: ['signingSecret'] }
            : { type: 'splunk_hec', url: body.destination.url, index: null, source: null, sourcetype: 'keyledger:audit', secretsSet: ['token'] },
        filter: body.filter,
        startPoint: body.startPoint,
        deliveredThroughSeq: 0,
      });
      stored = [created, ...stored];
      return { status: 201, body: created };
    }
    const one = /^\/api\/v1\/log-streams\/([^/]+)$/.exec(path);
    if (one && method === 'PATCH') {
      stored = stored.map((s) => (s.id === one[1] ? { ...s, name: 'patched' } : s));
      return { status: 200, body: stored.find((s) => s.id === one[1]) };
    }
    const health = /^\/api\/v1\/log-streams\/([^/]+)\/health$/.exec(path);
    if (health) return { status: 200, body: makeHealth({ streamId: health[1]! }) };
    const pause = /^\/api\/v1\/log-streams\/([^/]+)\/(pause|resume)$/.exec(path);
    if (pause && method === 'POST') {
      stored = stored.map((s) =>
        s.id === pause[1] ? { ...s, status: pause[2] === 'pause' ? 'paused' : 'active' } : s,
      );
      return { status: 200, body: stored.find((s) => s.id === pause[1]) };
    }
    return { status: 404, body: errorBody(404, `Not found: ${method} ${path}`) };
  });
}

const callsTo = (fetch: ReturnType<typeof api>, path: string, method: string) =>
  fetch.mock.calls.filter(
    ([u, init]) =>
      new URL(u, 'http://localhost').pathname === path && (init?.method ?? 'GET') === method,
  );

describe('Settings > Log streams page', () => {
  it('lists the streams with their destination, filter, status and delivery health', async () => {
    api({
      streams: [
        makeStream(),
        makeStream({
          id: '0193a1b2-0000-7000-8000-0000000000f3',
          name: 'Paused one',
          status: 'paused',
        }),
      ],
    });
    renderApp('/settings/log-streams');
    const table = await screen.findByRole('table', { name: 'Log streams' });
    const [, first, second] = within(table).getAllByRole('row');
    expect(first).toHaveTextContent('Splunk SIEM');
    expect(first).toHaveTextContent('https://siem.acme.test/hooks');
    expect(first).toHaveTextContent('every entry');
    expect(first).toHaveTextContent('Active');
    await waitFor(() => expect(first).toHaveTextContent('Through #40 of #52 · 12 behind (3 s)'));
    expect(first).toHaveTextContent('HTTP 500: upstream down');
    expect(second).toHaveTextContent('Paused');
    expect(within(second!).getByRole('button', { name: 'Resume Paused one' })).toBeInTheDocument();
  });

  it('creates a stream: the secret is sent once and never shown again', async () => {
    const user = userEvent.setup();
    const fetch = api({ streams: [] });
    renderApp('/settings/log-streams');
    expect(await screen.findByText('No log streams yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create log stream' }));
    const dialog = await screen.findByRole('dialog', { name: 'New log stream' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Datadog relay');
    await user.click(within(dialog).getByRole('textbox', { name: 'Endpoint URL' }));
    await user.paste('https://relay.acme.test/in');
    await user.click(within(dialog).getByLabelText(/Signing secret/));
    await user.paste(SECRET);
    await user.type(within(dialog).getByRole('textbox', { name: 'Filter' }), 'group:licenses');
    await user.click(within(dialog).getByRole('radio', { name: 'From the beginning of the log' }));
    await user.click(within(dialog).getByRole('button', { name: 'Create log stream' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [create] = callsTo(fetch, '/api/v1/log-streams', 'POST');
    expect(JSON.parse(String(create?.[1]?.body))).toEqual({
      name: 'Datadog relay',
      destination: { type: 'webhook', url: 'https://relay.acme.test/in', signingSecret: SECRET },
      filter: { q: 'group:licenses' },
      startPoint: 'beginning',
    });
    const table = await screen.findByRole('table', { name: 'Log streams' });
    expect(table).toHaveTextContent('Datadog relay');
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  }, 15_000);

  it('refuses an http:// URL and a malformed secret before calling the API', async () => {
    const user = userEvent.setup();
    const fetch = api({ streams: [] });
    renderApp('/settings/log-streams');
    await user.click(await screen.findByRole('button', { name: 'Create log stream' }));
    const dialog = await screen.findByRole('dialog', { name: 'New log stream' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Plain');
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Endpoint URL' }),
      'http://relay.acme.test/in',
    );
    await user.type(within(dialog).getByLabelText(/Signing secret/), 'hunter2');
    await user.click(within(dialog).getByRole('button', { name: 'Create log stream' }));
    expect(await within(dialog).findByText(/must be an https:\/\/ URL/)).toBeInTheDocument();
    expect(within(dialog).getByText(/must be a Standard Webhooks secret/)).toBeInTheDocument();
    expect(callsTo(fetch, '/api/v1/log-streams', 'POST')).toHaveLength(0);
  }, 15_000);

  it('the destination type selector switches the fields: Splunk HEC, Datadog, S3, each with its write-only secret', async () => {
    const user = userEvent.setup();
    const fetch = api({ streams: [] });
    renderApp('/settings/log-streams');
    await user.click(await screen.findByRole('button', { name: 'Create log stream' }));
    const dialog = await screen.findByRole('dialog', { name: 'New log stream' });
    expect(within(dialog).getByRole('radio', { name: 'HTTPS webhook' })).toBeChecked();
    expect(within(dialog).getByRole('textbox', { name: 'Endpoint URL' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Datadog' }));
    expect(within(dialog).queryByRole('textbox', { name: 'Endpoint URL' })).not.toBeInTheDocument();
    expect(within(dialog).queryByLabelText(/Signing secret/)).not.toBeInTheDocument();
    expect(within(dialog).getByRole('combobox', { name: 'Datadog site' })).toHaveValue('datadoghq.com');
    expect(within(dialog).getByLabelText(/API key/)).toBeInTheDocument();
    expect(within(dialog).getByRole('textbox', { name: 'Tags' })).toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Amazon S3 or compatible' }));
    for (const label of ['Bucket', 'Region', 'Prefix', 'Endpoint', 'Access key ID'])
      expect(within(dialog).getByRole('textbox', { name: new RegExp(`^${label}`) })).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/Secret access key/)).toBeInTheDocument();
    expect(within(dialog).queryByLabelText(/API key/)).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole('radio', { name: 'Splunk HEC' }));
    expect(within(dialog).queryByRole('textbox', { name: /^Bucket/ })).not.toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Splunk');
    await user.click(within(dialog).getByRole('textbox', { name: /^HEC URL/ }));
    await user.paste('https://splunk.acme.test:8088');
    await user.click(within(dialog).getByLabelText(/HEC token/));
    await user.paste('11111111-2222-3333-4444-555555555555');
    await user.type(within(dialog).getByRole('textbox', { name: /^Index/ }), 'security');
    await user.click(within(dialog).getByRole('button', { name: 'Create log stream' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const [create] = callsTo(fetch, '/api/v1/log-streams', 'POST');
    expect(JSON.parse(String(create?.[1]?.body))).toEqual({
      name: 'Splunk',
      destination: {
        type: 'splunk_hec',
        url: 'https://splunk.acme.test:8088',
        token: '11111111-2222-3333-4444-555555555555',
        index: 'security',
        sourcetype: 'keyledger:audit',
      },
      filter: {},
      startPoint: 'now',
    });
    const table = await screen.findByRole('table', { name: 'Log streams' });
    expect(table).toHaveTextContent('Splunk HEC');
    expect(document.body).not.toHaveTextContent('11111111-2222-3333-4444-555555555555');
  }, 20_000);

  it('checks each type\'s fields before calling the API, naming them', async () => {
    const user = userEvent.setup();
    const fetch = api({ streams: [] });
    renderApp('/settings/log-streams');
    await user.click(await screen.findByRole('button', { name: 'Create log stream' }));
    const dialog = await screen.findByRole('dialog', { name: 'New log stream' });
    await user.click(within(dialog).getByRole('radio', { name: 'Amazon S3 or compatible' }));
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Bucket');
    await user.type(within(dialog).getByRole('textbox', { name: /^Bucket/ }), 'Not_A_Bucket');
    await user.type(within(dialog).getByRole('textbox', { name: /^Region/ }), 'eu-west-1');
    await user.type(within(dialog).getByRole('textbox', { name: /^Endpoint/ }), 'http://minio.local');
    await user.type(within(dialog).getByRole('textbox', { name: /^Access key ID/ }), 'AKIA123');
    await user.type(within(dialog).getByLabelText(/Secret access key/), 'secret');
    await user.click(within(dialog).getByRole('button', { name: 'Create log stream' }));
    expect(await within(dialog).findByText(/must be an S3 bucket name/)).toBeInTheDocument();
    expect(within(dialog).getByText(/must be an https:\/\/ URL/)).toBeInTheDocument();
    expect(callsTo(fetch, '/api/v1/log-streams', 'POST')).toHaveLength(0);
  }, 15_000);

  it('edits a Datadog stream: its type is fixed, the API key shows as set, and only changed fields (and a replaced key) are sent', async () => {
    const user = userEvent.setup();
    const fetch = api({
      streams: [
        makeStream({
          name: 'DD',
          destination: { type: 'datadog', site: 'datadoghq.eu', service: 'licensing', tags: ['env:prod'], secretsSet: ['apiKey'] },
        }),
      ],
    });
    renderApp('/settings/log-streams');
    const table = await screen.findByRole('table', { name: 'Log streams' });
    expect(table).toHaveTextContent('Datadog');
    expect(table).toHaveTextContent('http-intake.logs.datadoghq.eu · licensing');
    await user.click(within(table).getByRole('button', { name: 'More actions for DD' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit DD' });
    expect(within(dialog).queryByRole('radio', { name: 'Splunk HEC' })).not.toBeInTheDocument();
    expect(within(dialog).getByText('set')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/API key/)).toHaveValue('');
    const tags = within(dialog).getByRole('textbox', { name: /^Tags/ });
    expect(tags).toHaveValue('env:prod');
    await user.type(tags, ', team:sec');
    await user.click(within(dialog).getByLabelText(/API key/));
    await user.paste('0123456789abcdef0123456789abcdef');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(callsTo(fetch, `/api/v1/log-streams/${ID}`, 'PATCH')).toHaveLength(1));
    const [patch] = callsTo(fetch, `/api/v1/log-streams/${ID}`, 'PATCH');
    expect(JSON.parse(String(patch?.[1]?.body))).toEqual({
      destination: { apiKey: '0123456789abcdef0123456789abcdef', tags: ['env:prod', 'team:sec'] },
    });
    expect(document.body).not.toHaveTextContent('0123456789abcdef0123456789abcdef');
  }, 15_000);

  it('pauses a stream', async () => {
    const user = userEvent.setup();
    const fetch = api();
    renderApp('/settings/log-streams');
    await user.click(await screen.findByRole('button', { name: 'Pause Splunk SIEM' }));
    await waitFor(() =>
      expect(callsTo(fetch, `/api/v1/log-streams/${ID}/pause`, 'POST')).toHaveLength(1),
    );
    expect(await screen.findByRole('button', { name: 'Resume Splunk SIEM' })).toBeInTheDocument();
  });

  it('shows the nav entry only to holders of settings:log_streams', async () => {
    api({ session: makeSession({ isAdmin: false, permissions: ['settings:log_streams'] }) });
    const { unmount } = renderApp('/settings/log-streams');
    expect(await screen.findByRole('link', { name: 'Log streams' })).toBeInTheDocument();
    unmount();
    api({ session: makeSession({ isAdmin: false, permissions: ['settings:api_keys'] }) });
    renderApp('/settings/api-keys');
    expect(await screen.findByRole('link', { name: 'API keys' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Log streams' })).not.toBeInTheDocument();
  });
});
