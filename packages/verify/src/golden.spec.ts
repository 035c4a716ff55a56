import { canonicalEntry, canonicalJson, type ChainedEntry } from './canonical';
import { ChainVerifier, entryHash, GENESIS_HASH } from './chain';

/**
 * Golden vectors: fixed entries with the exact canonical bytes and hashes they must produce.
 * If one of these fails, the canonical form changed, and every stored chain would stop verifying.
 */
const A = '0190a1b2-0000-7000-8000-000000000001';
const ENTRIES: ChainedEntry[] = [
  {
    accountId: A,
    seq: 1,
    occurredAt: '2026-01-02T03:04:05.678Z',
    action: 'product_created',
    actor: {
      type: 'platform_user',
      id: '0190a1b2-0000-7000-8000-0000000000aa',
      name: 'Ann Admin',
      email: 'ann@acme.test',
    },
    target: { type: 'product', id: '0190a1b2-0000-7000-8000-0000000000b1', label: 'Acme Studio' },
    links: [{ type: 'product', id: '0190a1b2-0000-7000-8000-0000000000b1', label: 'Acme Studio' }],
    changes: [
      { field: 'name', before: null, after: 'Acme Studio' },
      { field: 'features', before: null, after: ['export', 'sync'] },
    ],
    context: { requestId: 'req-1', ip: '10.0.0.1', userAgent: 'Mozilla/5.0', source: 'ui' },
  },
  {
    accountId: A,
    seq: 2,
    occurredAt: '2026-01-02T03:04:06.000Z',
    action: 'license_disabled',
    actor: {
      type: 'api_key',
      id: '0190a1b2-0000-7000-8000-0000000000cc',
      name: 'CI key "prod"',
      email: null,
    },
    target: {
      type: 'license',
      id: '0190a1b2-0000-7000-8000-0000000000d1',
      label: 'ÄBCD-ÉFGH-****',
    },
    links: [
      { type: 'license', id: '0190a1b2-0000-7000-8000-0000000000d1', label: 'ÄBCD-ÉFGH-****' },
      { type: 'order', id: '0190a1b2-0000-7000-8000-0000000000e1', label: 'PO-17 \u2028 «rush»' },
    ],
    changes: [
      { field: 'enabled', before: true, after: false },
      { field: 'maxActivations', before: 5, after: 2.5 },
      { field: 'note', before: 'line1\nline2\t😀', after: null },
    ],
    context: { requestId: null, ip: '::1', userAgent: null, source: 'api' },
  },
  {
    accountId: A,
    seq: 3,
    occurredAt: '2026-12-31T23:59:59.999Z',
    action: 'platform_user_updated',
    actor: { type: 'system', id: null, name: 'System', email: null },
    target: {
      type: 'platform_user',
      id: '0190a1b2-0000-7000-8000-0000000000f1',
      label: 'Bob <bob@acme.test>',
    },
    links: [
      {
        type: 'platform_user',
        id: '0190a1b2-0000-7000-8000-0000000000f1',
        label: 'Bob <bob@acme.test>',
      },
    ],
    changes: [
      { field: 'password', before: '[redacted]', after: '[redacted]' },
      { field: 'meta', before: { z: 1, a: [1e21, -0.000001] }, after: {} },
    ],
    context: { requestId: 'job:42', ip: null, userAgent: null, source: 'system' },
  },
];

const GOLDEN = [
  {
    canonical:
      '{"accountId":"0190a1b2-0000-7000-8000-000000000001","action":"product_created","actor":{"email":"ann@acme.test","id":"0190a1b2-0000-7000-8000-0000000000aa","name":"Ann Admin","type":"platform_user"},"changes":[{"after":"Acme Studio","before":null,"field":"name"},{"after":["export","sync"],"before":null,"field":"features"}],"context":{"ip":"10.0.0.1","requestId":"req-1","source":"ui","userAgent":"Mozilla/5.0"},"links":[{"id":"0190a1b2-0000-7000-8000-0000000000b1","label":"Acme Studio","type":"product"}],"occurredAt":"2026-01-02T03:04:05.678Z","seq":1,"target":{"id":"0190a1b2-0000-7000-8000-0000000000b1","label":"Acme Studio","type":"product"}}',
    prev: '0000000000000000000000000000000000000000000000000000000000000000',
    hash: '5d0b4e4131b753d13730e58d007e09d5424bd5cd23dd627d79a63862ee7094bf',
  },
  {
    canonical:
      '{"accountId":"0190a1b2-0000-7000-8000-000000000001","action":"license_disabled","actor":{"email":null,"id":"0190a1b2-0000-7000-8000-0000000000cc","name":"CI key \\"prod\\"","type":"api_key"},"changes":[{"after":false,"before":true,"field":"enabled"},{"after":2.5,"before":5,"field":"maxActivations"},{"after":null,"before":"line1\\nline2\\t😀","field":"note"}],"context":{"ip":"::1","requestId":null,"source":"api","userAgent":null},"links":[{"id":"0190a1b2-0000-7000-8000-0000000000d1","label":"ÄBCD-ÉFGH-****","type":"license"},{"id":"0190a1b2-0000-7000-8000-0000000000e1","label":"PO-17   «rush»","type":"order"}],"occurredAt":"2026-01-02T03:04:06.000Z","seq":2,"target":{"id":"0190a1b2-0000-7000-8000-0000000000d1","label":"ÄBCD-ÉFGH-****","type":"license"}}',
    prev: '5d0b4e4131b753d13730e58d007e09d5424bd5cd23dd627d79a63862ee7094bf',
    hash: '2fe7c9f018d49e02b06c9362b8b0e86e56b7d875d01cc162c6fab1c9a969bfa5',
  },
  {
    canonical:
      '{"accountId":"0190a1b2-0000-7000-8000-000000000001","action":"platform_user_updated","actor":{"email":null,"id":null,"name":"System","type":"system"},"changes":[{"after":"[redacted]","before":"[redacted]","field":"password"},{"after":{},"before":{"a":[1e+21,-0.000001],"z":1},"field":"meta"}],"context":{"ip":null,"requestId":"job:42","source":"system","userAgent":null},"links":[{"id":"0190a1b2-0000-7000-8000-0000000000f1","label":"Bob <bob@acme.test>","type":"platform_user"}],"occurredAt":"2026-12-31T23:59:59.999Z","seq":3,"target":{"id":"0190a1b2-0000-7000-8000-0000000000f1","label":"Bob <bob@acme.test>","type":"platform_user"}}',
    prev: '2fe7c9f018d49e02b06c9362b8b0e86e56b7d875d01cc162c6fab1c9a969bfa5',
    hash: '3ee9b431578fb7f9386938d28b2e307537e05084e2f5369a22628df3bb6893a9',
  },
];

describe('canonical form and hash chain (golden vectors)', () => {
  it.each([0, 1, 2])('entry %i has its exact canonical bytes and hash', (i) => {
    const e = ENTRIES[i]!;
    const g = GOLDEN[i]!;
    expect(canonicalEntry(e)).toBe(g.canonical);
    expect(entryHash(e, g.prev)).toBe(g.hash);
  });

  it('chains them from the genesis hash', () => {
    expect(GOLDEN[0]!.prev).toBe(GENESIS_HASH);
    const v = new ChainVerifier();
    for (const [i, e] of ENTRIES.entries())
      expect(v.push({ ...e, hash: GOLDEN[i]!.hash })).toBe(true);
    expect(v.state).toMatchObject({ ok: true, verifiedThroughSeq: 3, headHash: GOLDEN[2]!.hash });
  });

  it('does not depend on key order in the input', () => {
    const e = ENTRIES[1]!;
    const shuffled = Object.fromEntries(Object.entries(e).reverse()) as unknown as ChainedEntry;
    expect(canonicalEntry(shuffled)).toBe(GOLDEN[1]!.canonical);
  });
});

describe(ChainVerifier.name, () => {
  const hashed = () => {
    let prev = GENESIS_HASH;
    return ENTRIES.map((e) => {
      const hash = entryHash(e, prev);
      const out = { ...e, hash, prevHash: prev };
      prev = hash;
      return out;
    });
  };

  it('names the entry whose content changed', () => {
    const chain = hashed();
    chain[1] = { ...chain[1]!, action: 'license_enabled' };
    const v = new ChainVerifier();
    chain.forEach((e) => v.push(e));
    expect(v.state).toMatchObject({ ok: false, firstBrokenSeq: 2, verifiedThroughSeq: 1 });
  });

  it('names a missing entry', () => {
    const chain = hashed();
    const v = new ChainVerifier();
    [chain[0]!, chain[2]!].forEach((e) => v.push(e));
    expect(v.state).toMatchObject({ ok: false, firstBrokenSeq: 2 });
    expect(v.state.reason).toMatch(/missing/);
  });

  it('names the first of two swapped entries', () => {
    const chain = hashed();
    const a = chain[0]!;
    const b = chain[1]!;
    const v = new ChainVerifier();
    [{ ...b, seq: 1 }, { ...a, seq: 2 }, chain[2]!].forEach((e) => v.push(e));
    expect(v.state).toMatchObject({ ok: false, firstBrokenSeq: 1 });
  });

  it('names an entry beyond the recorded head', () => {
    const chain = hashed();
    const v = new ChainVerifier();
    chain.forEach((e) => v.push(e));
    v.expectEnd(2);
    expect(v.state).toMatchObject({ ok: false, firstBrokenSeq: 3 });
  });
});

describe('canonicalEntry', () => {
  // The fast path (fixed shapes written directly) must give the generic form's bytes for any entry.
  const generic = (e: ChainedEntry) =>
    canonicalJson({ accountId: e.accountId, seq: e.seq, occurredAt: e.occurredAt, action: e.action, actor: e.actor, target: e.target, links: e.links, changes: e.changes, context: e.context });
  const base = ENTRIES[0]!;
  const variants: Array<[string, ChainedEntry]> = [
    ['as stored', base],
    ['an actor with an extra key', { ...base, actor: { ...(base.actor as object), role: 'admin' } }],
    ['an actor missing a key', { ...base, actor: { type: 'system', id: null, name: 'Keyledger' } }],
    ['an actor with an undefined value', { ...base, actor: { type: 'system', id: undefined, name: 'K', email: null } }],
    ['a target with a numeric label', { ...base, target: { type: 'product', id: 'x', label: 7 } }],
    ['links with a nested object', { ...base, links: [{ type: 'a', id: 'b', label: 'c' }, { id: 'd', type: 'e', label: { z: 1, a: [2] } }] }],
    ['links that are not an array', { ...base, links: { b: 1, a: 2 } }],
    ['a context with a number', { ...base, context: { requestId: 1, ip: null, userAgent: null, source: 'ui' } }],
    ['keys beyond ASCII', { ...base, context: { requestId: 'é', ip: '\u2028', userAgent: '"quoted"\n', source: 'ü' } }],
    ['an undefined top-level field', { ...base, changes: undefined }],
  ];
  it.each(variants)('matches the generic canonical form: %s', (_name, e) => {
    expect(canonicalEntry(e)).toBe(generic(e));
  });
});
