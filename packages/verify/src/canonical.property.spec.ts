import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { canonicalEntry, canonicalJson, type ChainedEntry } from './canonical';
import { entryHash } from './chain';

/**
 * canonicalEntry writes the usual shapes (actor, context, target, links, changes) directly instead of
 * sorting keys: for any entry — usual shapes, near misses (a key missing, one too many, a wrong type)
 * and arbitrary JSON — it must write exactly the bytes of the generic canonicalJson, and entryHash
 * (Node's one-shot digest) exactly SHA-256 of those bytes and the previous hash.
 */
const json = fc.jsonValue() as fc.Arbitrary<unknown>;
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }));
const textOrNull = fc.option(text, { nil: null });
const nearMiss = <T extends Record<string, unknown>>(usual: fc.Arbitrary<T>) =>
  fc.oneof(
    usual,
    usual.chain((o) => fc.constantFrom(...Object.keys(o)).map((k) => Object.fromEntries(Object.entries(o).filter(([x]) => x !== k)))),
    usual.map((o) => ({ ...o, extra: 1 })),
    usual.chain((o) => fc.tuple(fc.constantFrom(...Object.keys(o)), json).map(([k, v]) => ({ ...o, [k]: v }))),
    json,
  );
const ref = nearMiss(fc.record({ type: text, id: text, label: text }));
const value = fc.oneof(json, fc.constant(undefined)); // a key present with no value is omitted
const change = nearMiss(fc.record({ field: text, before: value, after: value }));
const four = (keys: [string, string, string, string]) =>
  nearMiss(fc.record(Object.fromEntries(keys.map((k) => [k, textOrNull])) as Record<string, fc.Arbitrary<string | null>>));

const entry: fc.Arbitrary<ChainedEntry> = fc.record({
  accountId: fc.uuid(),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  occurredAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  action: text,
  actor: four(['type', 'id', 'name', 'email']),
  target: ref,
  links: fc.oneof(fc.array(ref, { maxLength: 5 }), json),
  changes: fc.oneof(fc.array(change, { maxLength: 6 }), json),
  context: four(['requestId', 'ip', 'userAgent', 'source']),
});

describe('canonicalEntry (property)', () => {
  it('writes exactly what canonicalJson writes, and entryHash is SHA-256 of it and the previous hash', () => {
    fc.assert(
      fc.property(entry, fc.stringMatching(/^[0-9a-f]{64}$/), (e, prev) => {
        const generic = canonicalJson({ ...e });
        expect(canonicalEntry(e)).toBe(generic);
        expect(entryHash(e, prev)).toBe(createHash('sha256').update(generic).update(prev).digest('hex'));
      }),
      { numRuns: 3000 },
    );
  });
});
