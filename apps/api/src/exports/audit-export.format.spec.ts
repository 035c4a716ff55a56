import { type AuditEntryRow } from '../audit/audit-entry.mapper';
import { FORMULA_CASES } from '../../test/support/formula-cases';
import { csvCell, encodingOf, ndjsonEntry, neutraliseFormulas } from './audit-export.format';

const row = (overrides: Partial<AuditEntryRow> = {}): AuditEntryRow => ({
  account_id: '0195f0c2-7a1b-7c3d-8e4f-aaaaaaaaaaaa',
  seq: '7',
  id: '0195f0c2-7a1b-7c3d-8e4f-123456789abc',
  occurred_at: new Date('2026-03-04T05:06:07.089Z'),
  action: 'license_disabled',
  actor_type: 'platform_user',
  actor_id: 'u1',
  actor_name: 'Ann, "the admin"',
  actor_email: 'ann@acme.test',
  target_type: 'license',
  target_id: '0195f0c2-7a1b-7c3d-8e4f-bbbbbbbbbbbb',
  target_label: 'License\r\nACME-1',
  links: [],
  changes: [{ field: 'enabled', before: true, after: false }],
  request_id: null,
  ip: '10.0.0.1',
  user_agent: null,
  source: 'ui',
  hash: 'a'.repeat(64),
  prev_hash: '0'.repeat(64),
  ...overrides,
});

describe('CSV cells', () => {
  it.each(FORMULA_CASES)('neutralises %j as %j', (value, neutral) => {
    expect(neutraliseFormulas(value)).toBe(neutral);
  });

  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ["x;=cmd|' /C calc'!A0", `"x;'=cmd|' /C calc'!A0"`],
    ['plain', '"plain"'],
    ['', '""'],
  ])('quotes every cell: %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes null as an empty, unquoted cell and numbers quoted', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('"42"');
  });
});

describe('export encodings', () => {
  it('writes the RFC 4180 header row', () => {
    expect(encodingOf('csv').header).toBe(
      '"occurred_at","seq","action","action_label","actor_type","actor_name","actor_email","target_type","target_id","target_label","changes","request_id","ip","user_agent"\r\n',
    );
  });

  it('writes one JSON line per entry, with its hash', () => {
    const line = ndjsonEntry(row());
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({ seq: 7, target: { label: 'License\r\nACME-1' }, hash: 'a'.repeat(64) });
  });
});
