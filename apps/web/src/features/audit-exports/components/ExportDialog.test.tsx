import type { AuditExport } from '@keyledger/contract';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { renderWithProviders } from '../../../test/render';
import { ExportDialog } from './ExportDialog';

const EXPORT_ID = '11111111-2222-4333-8444-555555555555';
const AT = '2026-03-15T12:00:00.000Z';

function makeExport(overrides: Partial<AuditExport>): AuditExport {
  return {
    id: EXPORT_ID,
    status: 'queued',
    format: 'ndjson',
    filter: { itemType: 'license' },
    filterDescription: 'on licenses',
    order: 'seq_asc',
    requestedBy: { id: null, name: 'Ann Admin', email: 'ann@acme.test' },
    rowsWritten: 0,
    rowsTotalEstimate: 120,
    percent: 0,
    createdAt: AT,
    startedAt: null,
    finishedAt: null,
    firstSeq: null,
    lastSeq: null,
    sizeBytes: null,
    sha256: null,
    fileName: null,
    downloadUrl: null,
    downloadExpiresAt: null,
    ...overrides,
  };
}

const STATES = [
  makeExport({}),
  makeExport({ status: 'running', percent: 50, rowsWritten: 60 }),
  makeExport({
    status: 'completed',
    percent: 100,
    rowsWritten: 120,
    sizeBytes: 48_300,
    fileName: 'audit-log.ndjson',
    downloadUrl: `http://localhost/api/v1/audit-log/exports/${EXPORT_ID}/download?token=t`,
    downloadExpiresAt: '2999-01-01T00:00:00.000Z',
  }),
];

describe(ExportDialog.name, () => {
  it('queues the export with the format and filters, then follows it to the download', async () => {
    let polls = 0;
    const fetch = mockFetch((url, init) => {
      if (url.pathname === '/api/v1/audit-log/exports' && init.method === 'POST')
        return { status: 202, body: { id: EXPORT_ID, status: 'queued' } };
      if (url.pathname === `/api/v1/audit-log/exports/${EXPORT_ID}`)
        return { status: 200, body: STATES[Math.min(polls++, STATES.length - 1)] };
      return { status: 404, body: errorBody(404, 'Not found') };
    });
    renderWithProviders(
      <ExportDialog
        opened
        onClose={() => {}}
        filter={{ itemType: 'license', q: 'refund' }}
        description="Entries matching: on licenses, matching “refund”"
      />,
    );

    expect(await screen.findByText(/on licenses, matching “refund”/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: /NDJSON/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Start export' }));

    const create = fetch.mock.calls.find(([, init]) => init?.method === 'POST')!;
    expect(JSON.parse(String(create[1]!.body))).toEqual({
      format: 'ndjson',
      filter: { itemType: 'license', q: 'refund' },
    });

    const bar = await screen.findByRole('progressbar', { name: 'Export progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '0');
    await waitFor(
      () =>
        expect(screen.getByRole('progressbar', { name: 'Export progress' })).toHaveAttribute(
          'aria-valuenow',
          '50',
        ),
      { timeout: 3000 },
    );
    const download = await screen.findByRole(
      'link',
      { name: 'Download audit-log.ndjson' },
      { timeout: 3000 },
    );
    expect(download).toHaveAttribute('href', STATES[2]!.downloadUrl);
    expect(screen.getByRole('progressbar', { name: 'Export progress' })).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    expect(screen.getByText('Done: 120 entries, 48 kB')).toBeInTheDocument();
  }, 10_000);

  it('shows why the API refused the export', async () => {
    mockFetch(() => ({ status: 503, body: errorBody(503, 'The export queue is unavailable') }));
    renderWithProviders(<ExportDialog opened onClose={() => {}} filter={{}} description="All entries" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Start export' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The export queue is unavailable');
  });
});
