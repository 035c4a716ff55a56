import { failureMessage, publicCause } from './audit-export.processor';

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
});
