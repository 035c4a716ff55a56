import { AUDIT_ACTIONS } from './audit-actions';
import {
  describeAuditFilter,
  globMatches,
  isFullLicenseKey,
  maskLicenseKey,
  parseDateBound,
  resolveAuditFilter,
  tokenizeSearch,
} from './audit-search';
import { ZIsoDateTime } from './common';

describe('resolveAuditFilter', () => {
  it('folds the search string into the filter', () => {
    const r = resolveAuditFilter({
      q: 'action:license_* actor:Ann@Acme.test item:license:0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11 created:>=2026-01-01 created:<2026-02-01 refund',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.actions).toHaveLength(13);
    expect(r.value.actions?.every((a) => a.startsWith('license_'))).toBe(true);
    expect(r.value.actorEmail).toBe('ann@acme.test');
    expect(r.value).toMatchObject({ itemType: 'license', itemId: '0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11', text: 'refund' });
    expect(r.value.from?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(r.value.to?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });

  it('intersects explicit actions with the search string', () => {
    const r = resolveAuditFilter({ action: ['license_disabled', 'product_created'], q: 'action:license_*' });
    expect(r.ok && r.value.actions).toEqual(['license_disabled']);
  });

  it('treats created:<=day as the whole day and created:=day as one day', () => {
    const r = resolveAuditFilter({ q: 'created:2026-03-04' });
    expect(r.ok && [r.value.from?.toISOString(), r.value.to?.toISOString()]).toEqual([
      '2026-03-04T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
    ]);
  });

  it.each([
    ['action:nope', 'no action matches'],
    ['colour:red', 'unknown search key'],
    ['created:>=yesterday', 'is not a date'],
    ['item:spaceship', 'item must be'],
    ['item:license:not-a-uuid', 'not a valid item id'],
    ['actor:', 'needs a value'],
    ['created:>=2026-02-01 created:<2026-01-01', 'date range is empty'],
  ])('rejects %s naming the problem', (q, message) => {
    const r = resolveAuditFilter({ q });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.message).join('; ')).toContain(message);
  });

  it('keeps quoted phrases together as text', () => {
    expect(tokenizeSearch('"late refund" action:order_*')).toEqual(['late refund', 'action:order_*']);
    const r = resolveAuditFilter({ q: '"10:30 call"' });
    expect(r.ok && r.value.text).toBe('10:30 call');
  });

  it('describes a filter in words', () => {
    const r = resolveAuditFilter({ q: 'action:license_disabled refund' });
    expect(r.ok && describeAuditFilter(r.value)).toBe('action License disabled, matching "refund"');
  });
});

describe('globMatches', () => {
  it.each([
    ['license_*', 'license_disabled', true],
    ['*_disabled', 'license_disabled', true],
    ['l*e*d', 'license_disabled', true],
    ['*', 'device_reset', true],
    ['**device**', 'device_reset', true],
    ['license_*_x', 'license_disabled', false],
    ['*reset*reset', 'device_reset', false],
    ['device_reset', 'device_reset', true],
    ['device_rese', 'device_reset', false],
    ['a*a', 'a', false],
  ])('%s on %s is %s', (pattern, name, expected) => {
    expect(globMatches(pattern, name)).toBe(expected);
  });

  it('agrees with the regular-expression reading of * on every action', () => {
    const patterns = ['*e*', 'license*d', '*_*_*', 'o*r*', '*ed', 'p*t*_*d', '*c*e*', 'x*'];
    for (const p of patterns) {
      const re = new RegExp(`^${p.split('*').join('.*')}$`);
      for (const a of AUDIT_ACTIONS) expect([p, a, globMatches(p, a)]).toEqual([p, a, re.test(a)]);
    }
  });

  it('answers a thousand stars on every action at once (no backtracking)', () => {
    const r = resolveAuditFilter({ q: `action:${'*'.repeat(990)}Z` });
    expect(r.ok).toBe(false);
    const all = resolveAuditFilter({ q: `action:${'*a'.repeat(490)}` });
    expect(all.ok).toBe(false);
  });
});

describe('tokenizeSearch', () => {
  it('treats a quote without its partner as a separator, like the former pattern', () => {
    expect(tokenizeSearch('ab"cd ef')).toEqual(['ab', 'cd', 'ef']);
    expect(tokenizeSearch('a""b "" c')).toEqual(['ab', 'c']);
    expect(tokenizeSearch('key:"x y"z')).toEqual(['key:x yz']);
  });
});

describe('dates', () => {
  it.each([
    '0000-01-01',
    '1969-12-31',
    '10000-01-01',
    '2026-02-30',
    '2026-01-01T24:00Z',
    '2026-01-01T23:60Z',
    '2026-01-01T00:00+25:00',
    '2026-01-01T00:00-14:61',
    '2026-01-01T00:00+14:01',
    '2026-01-01T00:00',
    '1970-01-01T00:00:00+01:00',
    '9999-12-31T23:59:59-01:00',
  ])('refuses %s', (s) => {
    expect(parseDateBound(s)).toBeNull();
  });

  it.each([
    ['1970-01-01', '1970-01-01T00:00:00.000Z'],
    ['9999-12-31', '9999-12-31T00:00:00.000Z'],
    ['2026-01-01T00:00+14:00', '2025-12-31T10:00:00.000Z'],
    ['2026-01-01T00:00:00.123456-12:30', '2026-01-01T12:30:00.123Z'],
  ])('takes %s as %s', (s, iso) => {
    expect(parseDateBound(s)?.toISOString()).toBe(iso);
  });

  it('keeps created: bounds within the database range', () => {
    const r = resolveAuditFilter({ q: 'created:<=9999-12-31' });
    expect(r.ok && r.value.to?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    const after = resolveAuditFilter({ q: 'created:>9999-12-31' });
    expect(after.ok).toBe(false);
    expect(resolveAuditFilter({ from: '0000-01-01' }).ok).toBe(false); // a filter stored before the rule
  });

  it('refuses out-of-range date-times in bodies (ZIsoDateTime)', () => {
    expect(ZIsoDateTime.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
    expect(ZIsoDateTime.safeParse('2026-01-01T00:00:00+25:00').success).toBe(false);
    expect(ZIsoDateTime.safeParse('2026-01-01T00:00:00+02:00').success).toBe(true);
  });
});

describe('full license keys in the search', () => {
  it('matches a pasted full key by its masked form and says so', () => {
    const r = resolveAuditFilter({ q: 'k7qm-2xhr-pn4d-wc9t' });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.value.text).toBe('****-****-****-WC9T');
    expect(r.value.text).not.toContain('K7QM');
    expect(r.value.maskedKeys).toEqual([{ key: 'K7QM-2XHR-PN4D-WC9T', masked: '****-****-****-WC9T' }]);
    expect(describeAuditFilter(r.value)).toContain('masked form');
  });

  it('masks a key given as free text beside other words, and leaves other text alone', () => {
    const r = resolveAuditFilter({ text: 'refund K7QM-2XHR-PN4D-WC9T' });
    expect(r.ok && r.value.text).toBe('refund ****-****-****-WC9T');
    const plain = resolveAuditFilter({ q: 'refund 2DRK' });
    expect(plain.ok && plain.value).toEqual({ text: 'refund 2DRK' });
  });

  it('masks like the API names licenses', () => {
    expect(maskLicenseKey('ABCD-EFGH-JKLM-NPQR')).toBe('****-****-****-NPQR');
    expect(isFullLicenseKey('ABCD-EFGH-JKLM-NPQ')).toBe(false);
    expect(isFullLicenseKey(' abcd-efgh-jklm-npqr ')).toBe(true);
  });
});
