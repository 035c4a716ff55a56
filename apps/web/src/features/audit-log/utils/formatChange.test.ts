import { arrayDiff, formatChange, formatValue, linkedItem, summarizeChanges } from './formatChange';

describe(summarizeChanges.name, () => {
  it('shows the first change with its label, and how many more', () => {
    expect(
      summarizeChanges([
        { field: 'maxConsumptions', before: 5, after: 10 },
        { field: 'enabled', before: true, after: false },
      ]),
    ).toBe('Max consumptions: 5 → 10, +1 more');
  });

  it('is empty when nothing changed', () => {
    expect(summarizeChanges([])).toBe('');
  });

  it('words booleans, absent values, lists and instants (in the chosen zone)', () => {
    expect(formatChange({ field: 'enabled', before: true, after: false })).toBe(
      'Enabled: Yes → No',
    );
    expect(formatChange({ field: 'notes', before: null, after: 'x' })).toBe('Notes: — → x');
    expect(formatValue(['a', 'b'])).toBe('a, b');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue('a'.repeat(100), 10)).toHaveLength(10);
    expect(formatValue('2026-03-04T05:06:07.000Z', Infinity, 'utc')).toBe('2026-03-04 05:06');
  });

  it('summarises a list change as added and removed items', () => {
    expect(
      formatChange({
        field: 'permissions',
        before: ['licenses:read', 'orders:read'],
        after: ['licenses:read', 'orders:write'],
      }),
    ).toBe('Permissions: +orders:write −orders:read');
  });

  it('names an id by the label the entry holds for it', () => {
    const links = [
      { type: 'order' as const, id: '0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11', label: 'Order ORD-7' },
    ];
    expect(
      formatChange({ field: 'orderId', before: null, after: links[0]!.id }, 60, 'local', links),
    ).toBe('Order: — → Order ORD-7');
  });
});

describe(arrayDiff.name, () => {
  it('finds added, removed and kept items, ignoring order', () => {
    expect(arrayDiff(['a', 'b', 'c'], ['c', 'a', 'd'])).toEqual({
      added: ['d'],
      removed: ['b'],
      kept: ['c', 'a'],
    });
    expect(arrayDiff(null, ['a'])).toEqual({ added: ['a'], removed: [], kept: [] });
    expect(arrayDiff('a', ['a'])).toBeNull();
    expect(arrayDiff([{ a: 1 }], [])).toBeNull();
  });
});

describe(linkedItem.name, () => {
  it('knows id fields and leaves other uuids alone', () => {
    const id = '0b6a4a39-6a52-4c1e-9d7b-6a2f3b0d9e11';
    expect(linkedItem('productId', id, [])).toEqual({ type: 'product', id, label: null });
    expect(linkedItem('name', id, [])).toBeNull();
    expect(linkedItem('productId', 'not-a-uuid', [])).toBeNull();
  });
});
