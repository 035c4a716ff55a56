import type { AuditExport } from '@keyledger/contract';
import { screen, within } from '@testing-library/react';
import { errorBody, mockFetch } from '../../../test/fetchMock';
import { renderWithProviders } from '../../../test/render';
import { AuditExportsPage } from './AuditExportsPage';
import { ExportStatus } from './ExportStatus';

const AT = '2026-03-15T12:00:00.000Z';

function makeExport(overrides: Partial<AuditExport>): AuditExport {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    status: 'completed',
    format: 'csv',
    filter: {},
    filterDescription: 'all entries',
    order: 'seq_asc',
    requestedBy: { id: null, name: 'Ann Admin', email: 'ann@acme.test' },
    rowsWritten: 120,
    rowsTotalEstimate: 120,
    percent: 100,
    createdAt: AT,
    startedAt: AT,
    finishedAt: AT,
    firstSeq: 1,
    lastSeq: 120,
    sizeBytes: 48_300,
    sha256: 'a'.repeat(64),
    fileName: null,
    downloadUrl: null,
    downloadExpiresAt: null,
    ...overrides,
  };
}

const expired = makeExport({ status: 'expired', expiredAt: '2026-03-22T12:00:00.000Z' });
const completed = makeExport({
  id: '11111111-2222-4333-8444-666666666666',
  fileName: 'audit-log.csv',
  downloadUrl: 'http://localhost/api/v1/audit-log/exports/x/download?token=t',
  downloadExpiresAt: '2999-01-01T00:00:00.000Z',
});

describe(AuditExportsPage.name, () => {
  it('shows an export whose file was deleted after the retention as expired, without a download', async () => {
    mockFetch((url) =>
      url.pathname === '/api/v1/audit-log/exports'
        ? { status: 200, body: { items: [completed, expired], nextCursor: null } }
        : { status: 404, body: errorBody(404, 'Not found') },
    );
    renderWithProviders(<AuditExportsPage />);
    const rows = within(await screen.findByRole('table', { name: 'Exports' })).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByRole('link', { name: 'Download audit-log.csv' })).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Expired')).toBeInTheDocument();
    expect(within(rows[2]!).queryByRole('link')).toBeNull();
  });
});

describe(ExportStatus.name, () => {
  it('says the file of an expired export was deleted, and that the audit log is kept', () => {
    renderWithProviders(<ExportStatus exp={expired} />);
    return screen.findByRole('status').then((status) => {
      expect(status).toHaveTextContent('Expired');
      expect(status).toHaveTextContent(/deleted after the retention period \(on 2026-03-22\)/);
      expect(status).toHaveTextContent(/audit log itself is kept/);
    });
  });
});
