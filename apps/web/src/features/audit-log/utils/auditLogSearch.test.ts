import { parseRouterSearch, stringifyRouterSearch } from '../../../app/searchSerialization';
import {
  type AuditLogSearch,
  dateRangeBounds,
  hasActiveFilters,
  parseAuditLogSearch,
  toAuditLogQuery,
} from './auditLogSearch';

/** What a browser round trip does: the router writes the URL, a reload reads it back. */
const throughUrl = (search: AuditLogSearch) =>
  parseAuditLogSearch(parseRouterSearch(stringifyRouterSearch(search)));

describe('audit log search params', () => {
  const full: AuditLogSearch = {
    action: ['license_created', 'license_disabled'],
    actor: 'ann@acme.test',
    itemType: 'license',
    range: 'custom',
    from: '2026-01-01',
    to: '2026-01-31',
    q: 'action:license_* created:>=2026-01-01 "refund due"',
  };

  it('survives a trip through the URL unchanged', () => {
    expect(throughUrl(full)).toEqual(full);
    expect(throughUrl({ range: '7d' })).toEqual({ range: '7d' });
    expect(throughUrl({})).toEqual({});
  });

  it('writes actions as a readable comma list', () => {
    const url = stringifyRouterSearch({ action: ['license_created', 'license_disabled'] });
    expect(new URLSearchParams(url).get('action')).toBe('license_created,license_disabled');
  });

  it('keeps a numeric-looking search string a string', () => {
    expect(throughUrl({ q: '2026' })).toEqual({ q: '2026' });
  });

  it('drops unknown actions, bad emails, unknown item types and malformed days', () => {
    expect(
      parseAuditLogSearch({
        action: 'license_created,not_an_action',
        actor: 'ann@',
        itemType: 'spaceship',
        range: 'custom',
        from: '2026-13-45',
        q: '',
      }),
    ).toEqual({ action: ['license_created'], range: 'custom' });
  });

  it('ignores days without a custom range, and an end before the start', () => {
    expect(parseAuditLogSearch({ range: '7d', from: '2026-01-01' })).toEqual({ range: '7d' });
    expect(parseAuditLogSearch({ range: 'custom', from: '2026-02-01', to: '2026-01-01' })).toEqual({
      range: 'custom',
      from: '2026-02-01',
    });
  });

  it('knows when any filter is set', () => {
    expect(hasActiveFilters({})).toBe(false);
    expect(hasActiveFilters({ action: [] })).toBe(false);
    expect(hasActiveFilters({ itemType: 'product' })).toBe(true);
  });
});

describe(toAuditLogQuery.name, () => {
  const now = new Date(2026, 2, 15, 13, 45); // 15 March 2026, 13:45 local

  it('maps every filter to the API query', () => {
    expect(
      toAuditLogQuery(
        {
          action: ['product_created', 'product_updated'],
          actor: 'ann@acme.test',
          itemType: 'product',
          q: 'refund',
        },
        now,
      ),
    ).toEqual({
      action: 'product_created,product_updated',
      actorEmail: 'ann@acme.test',
      itemType: 'product',
      q: 'refund',
    });
  });

  it('turns presets into a start at local midnight, stable through the day', () => {
    const today = new Date(2026, 2, 15).toISOString();
    expect(dateRangeBounds({ range: 'today' }, now)).toEqual({ from: today });
    expect(dateRangeBounds({ range: '7d' }, now)).toEqual({
      from: new Date(2026, 2, 9).toISOString(),
    });
    expect(dateRangeBounds({ range: '30d' }, now)).toEqual({
      from: new Date(2026, 1, 14).toISOString(),
    });
    expect(dateRangeBounds({ range: '7d' }, new Date(2026, 2, 15, 23, 59))).toEqual(
      dateRangeBounds({ range: '7d' }, now),
    );
  });

  it('makes a custom range include its last day', () => {
    expect(toAuditLogQuery({ range: 'custom', from: '2026-01-01', to: '2026-01-31' }, now)).toEqual(
      {
        from: new Date(2026, 0, 1).toISOString(),
        to: new Date(2026, 1, 1).toISOString(),
      },
    );
  });

  it('sends nothing for an empty search', () => {
    expect(toAuditLogQuery({}, now)).toEqual({});
  });
});
