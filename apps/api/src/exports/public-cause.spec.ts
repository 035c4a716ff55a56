import { failureMessage, publicCause } from './audit-export.processor';
import { ExportStorageError } from './storage/export-storage';

describe('what a failed export tells its requester', () => {
  it("never repeats PostgreSQL's own message", () => {
    const pgError = Object.assign(new Error('date/time field value out of range: "0000-01-01T00:00:00.000Z" in audit_entries'), {
      code: '22008',
    });
    expect(publicCause(pgError)).toBe('the database could not read the entries (SQLSTATE 22008)');
    const message = failureMessage(pgError, 3, 'e1');
    expect(message).not.toMatch(/audit_entries|0000-01-01|out of range/);
    expect(message).toContain('after 3 attempts');
    const typeorm = Object.assign(new Error('relation "audit_entries" does not exist'), { name: 'QueryFailedError' });
    expect(publicCause(typeorm)).not.toContain('audit_entries');
  });

  it('keeps its own explanations', () => {
    expect(publicCause(new Error('the export file could not be renamed'))).toBe('the export file could not be renamed');
  });

  it("names the export storage's failure and the setting to check, without the underlying error's details", () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:9000'), { code: 'ECONNREFUSED' });
    const err = new ExportStorageError('Writing the export file to S3: S3 could not be reached (ECONNREFUSED)', { cause });
    const message = failureMessage(err, 3, 'e1');
    expect(message).toBe(
      'The export could not be completed after 3 attempts: the export storage failed (Writing the export file to S3: S3 could not be reached (ECONNREFUSED)). ' +
        'The audit log itself is unaffected. Ask your Keyledger administrator to check the export storage (EXPORT_STORAGE_URL), then try again, quoting export e1.',
    );
    expect(message).not.toContain('10.1.2.3');
  });
});
