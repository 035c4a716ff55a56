import dayjs from 'dayjs';
import { describeAuditSearch } from './describeAuditSearch';

describe(describeAuditSearch.name, () => {
  it('names the actions and shows the date range in local time', () => {
    const from = new Date(2026, 2, 9).toISOString();
    expect(describeAuditSearch({ from }, ['product_deactivated'])).toBe(
      'Product deactivated, from 2026-03-09 00:00',
    );
  });

  it('names whole groups instead of counting actions ("13 actions")', () => {
    expect(describeAuditSearch({ q: 'action:license_*' }, undefined)).toBe('any Licenses action');
    expect(
      describeAuditSearch({}, [
        'device_reset',
        'device_blacklisted',
        'device_borrowed',
        'device_borrow_released',
        'product_created',
      ]),
    ).toBe('any Devices action or Product created');
  });

  it('localizes dates written in the search box too', () => {
    const utcMidnight = dayjs('2026-01-01T00:00:00.000Z').format('YYYY-MM-DD HH:mm');
    expect(describeAuditSearch({ q: 'created:>=2026-01-01' }, undefined)).toBe(
      `from ${utcMidnight}`,
    );
  });

  it('is null without filters, and for filters the API will refuse', () => {
    expect(describeAuditSearch({}, undefined)).toBeNull();
    expect(describeAuditSearch({ q: 'foo:bar' }, undefined)).toBeNull();
  });
});
