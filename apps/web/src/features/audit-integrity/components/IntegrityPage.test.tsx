import type { IntegrityReport, IntegrityVerification } from '@keyledger/contract';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { makeSession } from '../../../test/factories';
import { renderApp } from '../../../test/render';

const HASH = 'ab'.repeat(32);

const report = (over: Partial<IntegrityReport> = {}): IntegrityReport => ({
  ok: true,
  verifiedThroughSeq: 120,
  verifiedThroughHash: HASH,
  headSeq: 125,
  headHash: HASH,
  unverifiedEntries: 5,
  entriesChecked: 20,
  lastCheckpoint: null,
  checkedAt: '2026-12-03T03:00:00.000Z',
  lastFullVerification: null,
  sealing: { entries: 0, oldestRecordedAt: null },
  ...over,
});

const run = (over: Partial<IntegrityVerification> = {}): IntegrityVerification => ({
  id: '0190a1b2-0000-7000-8000-000000000001',
  trigger: 'manual',
  requestedBy: { type: 'platform_user', id: '0190a1b2-0000-7000-8000-000000000002', name: 'ann@vendor.test' },
  status: 'queued',
  requestedAt: '2026-12-03T03:01:00.000Z',
  startedAt: null,
  finishedAt: null,
  headSeq: null,
  entriesChecked: 0,
  progress: 0,
  threads: null,
  ok: null,
  firstBrokenSeq: null,
  reason: null,
  entriesPerSecond: null,
  error: null,
  ...over,
});

describe('IntegrityPage', () => {
  it('shows the stored status, queues "verify now" and shows its progress', async () => {
    let current = report();
    const fetch = mockFetch((url, init) => {
      if (url.pathname === '/api/v1/auth/me') return { status: 200, body: makeSession() };
      if (url.pathname === '/api/v1/audit-log/integrity') return { status: 200, body: current };
      if (url.pathname === '/api/v1/audit-log/integrity/verifications' && init.method === 'POST') {
        current = report({ lastFullVerification: run({ status: 'running', headSeq: 125, entriesChecked: 50, progress: 0.4, threads: 2 }) });
        return { status: 202, body: run() };
      }
      if (url.pathname === '/api/v1/audit-log/integrity/verifications') return { status: 200, body: { items: [], nextCursor: null } };
      if (url.pathname === '/api/v1/audit-log/integrity/checkpoints') return { status: 200, body: { items: [], nextCursor: null } };
      return { status: 404, body: errorBody(404, `Not found: ${url.pathname}`) };
    });
    renderApp('/settings/audit-logs/integrity');
    expect(await screen.findByText('Verified through entry #120 of #125')).toBeInTheDocument();
    expect(screen.getByText(/5 newer entries are not verified yet/)).toBeInTheDocument();
    expect(screen.getByText(/No full verification yet/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Verify now' }));
    await waitFor(() => expect(fetch.mock.calls.some(([u, i]) => String(u).endsWith('/integrity/verifications') && i?.method === 'POST')).toBe(true));
    expect(await screen.findByText('Running · 50 of 125 entries')).toBeInTheDocument();
    expect(screen.getByRole('progressbar', { name: 'Verification progress' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Verifying…' })).toBeDisabled();
  });

  it('raises a break loudly, with where and how it was found', async () => {
    mockFetch((url) => {
      if (url.pathname === '/api/v1/auth/me') return { status: 200, body: makeSession() };
      if (url.pathname === '/api/v1/audit-log/integrity')
        return {
          status: 200,
          body: report({ ok: false, firstBrokenSeq: 42, reason: 'entry #42 does not match its hash: its content was changed', brokenBy: 'full', brokenAt: '2026-12-03T03:02:00.000Z', verifiedThroughSeq: 41 }),
        };
      if (url.pathname.startsWith('/api/v1/audit-log/integrity/')) return { status: 200, body: { items: [], nextCursor: null } };
      return { status: 404, body: errorBody(404, `Not found: ${url.pathname}`) };
    });
    renderApp('/settings/audit-logs/integrity');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The first broken entry is #42: entry #42 does not match its hash');
    expect(alert).toHaveTextContent('by the full verification');
  });
});
