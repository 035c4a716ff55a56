import { describeAuditFilter, resolveAuditFilter, tokenizeSearch } from './audit-search';

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
