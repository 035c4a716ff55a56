import { formatChange, formatValue, summarizeChanges } from './formatChange';

describe(summarizeChanges.name, () => {
  it('shows the first change and how many more', () => {
    expect(
      summarizeChanges([
        { field: 'name', before: 'Old', after: 'New' },
        { field: 'enabled', before: true, after: false },
        { field: 'features', before: [], after: ['sso'] },
      ]),
    ).toBe('name: "Old" → "New", +2 more');
  });

  it('is empty when nothing changed', () => {
    expect(summarizeChanges([])).toBe('');
  });

  it('formats booleans, absent values and objects', () => {
    expect(formatChange({ field: 'enabled', before: true, after: false })).toBe(
      'enabled: true → false',
    );
    expect(formatChange({ field: 'note', before: null, after: 'x' })).toBe('note: — → "x"');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue('a'.repeat(100), 10)).toHaveLength(10);
  });
});
