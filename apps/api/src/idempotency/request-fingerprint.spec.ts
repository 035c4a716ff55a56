import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe(requestFingerprint.name, () => {
  it('ignores key order, not values, paths or methods', () => {
    const a = requestFingerprint('POST', '/api/v1/products', {
      name: 'A',
      code: 'a',
      features: ['x', 'y'],
    });
    expect(
      requestFingerprint('post', '/api/v1/products', {
        features: ['x', 'y'],
        code: 'a',
        name: 'A',
      }),
    ).toBe(a);
    expect(
      requestFingerprint('POST', '/api/v1/products', {
        name: 'A',
        code: 'a',
        features: ['y', 'x'],
      }),
    ).not.toBe(a);
    expect(
      requestFingerprint('POST', '/api/v1/products', {
        name: 'A',
        code: 'b',
        features: ['x', 'y'],
      }),
    ).not.toBe(a);
    expect(
      requestFingerprint('POST', '/api/v1/customers', {
        name: 'A',
        code: 'a',
        features: ['x', 'y'],
      }),
    ).not.toBe(a);
    expect(
      requestFingerprint('PUT', '/api/v1/products', { name: 'A', code: 'a', features: ['x', 'y'] }),
    ).not.toBe(a);
  });

  it('writes nested objects canonically', () => {
    expect(canonicalJson({ b: { d: 1, c: [null, { f: true, e: 'x' }] }, a: undefined })).toBe(
      '{"b":{"c":[null,{"e":"x","f":true}],"d":1}}',
    );
    expect(canonicalJson(undefined)).toBe('null');
  });
});
