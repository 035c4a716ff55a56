import fc from 'fast-check';
import { ChainVerifier, GENESIS_HASH } from '@keyledger/verify';
import { toChainedEntry } from './audit-chain.repository';
import { sealEntries } from './audit-sealer';
import { type LockedHead, type PendingChainRow } from './audit.store';

const ACCOUNT = '0190a1b2-0000-7000-8000-0000000000aa';
const T0 = Date.parse('2026-12-03T12:00:00.000Z');

const row = (i: number, offsetMs: number): PendingChainRow => ({
  pos: String(1000 + i),
  id: `0190a1b2-0000-7000-8000-${String(i).padStart(12, '0')}`,
  occurred_at: new Date(T0 + offsetMs).toISOString(),
  action: 'product_updated',
  actor_type: 'platform_user',
  actor_id: 'u1',
  actor_name: 'Ann',
  actor_email: 'ann@vendor.test',
  target_type: 'product',
  target_id: '0190a1b2-0000-7000-8000-0000000000bb',
  target_label: `Product ${i}`,
  links: [{ type: 'product', id: '0190a1b2-0000-7000-8000-0000000000bb', label: `Product ${i}` }],
  changes: [{ field: 'name', before: `P${i - 1}`, after: `P${i}` }],
  request_id: null,
  ip: null,
  user_agent: null,
  source: 'ui',
});

const genesis: LockedHead = { last_seq: '0', last_hash: GENESIS_HASH, last_occurred_at: null, time_ordered: true };

/** Seals `rows` in batches cut at `cuts`, each batch after the head the one before left. */
function sealInBatches(rows: PendingChainRow[], cuts: number[]) {
  let head = genesis;
  const seals: ReturnType<typeof sealEntries>['seals'] = [];
  const bounds = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of [...bounds, rows.length]) {
    if (to <= from) continue;
    const out = sealEntries(ACCOUNT, head, rows.slice(from, to));
    seals.push(...out.seals);
    head = { last_seq: String(out.head.seq), last_hash: out.head.hash, last_occurred_at: new Date(out.head.occurredAt), time_ordered: out.head.timeOrdered };
    from = to;
  }
  return { seals, head };
}

describe('sealEntries (the sealer\'s chaining of a batch)', () => {
  // Recorded times: mostly forward, some a little behind (skew, a late commit), some far behind (back-dated).
  const offsets = fc.array(fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: -1000, max: -1 }), fc.integer({ min: -90_000, max: -1001 })), {
    minLength: 1,
    maxLength: 40,
  });

  it('gives seq 1..N and a chain the verifier accepts, whatever the batches', () => {
    fc.assert(
      fc.property(offsets, fc.array(fc.nat(), { maxLength: 6 }), (deltas, cuts) => {
        let t = 0;
        const rows = deltas.map((d, i) => row(i + 1, (t += d)));
        const { seals, head } = sealInBatches(rows, cuts);
        expect(seals.map((s) => s.seq)).toEqual(rows.map((_, i) => i + 1));
        const v = new ChainVerifier();
        seals.forEach((s, i) => v.push({ ...toChainedEntry(ACCOUNT, { ...rows[i]!, seq: String(s.seq), occurred_at: s.occurred_at, hash: s.hash, prev_hash: s.prev_hash }), prevHash: s.prev_hash, hash: s.hash }));
        v.expectEnd(rows.length, head.last_hash);
        expect(v.state).toMatchObject({ ok: true, verifiedThroughSeq: rows.length });
      }),
    );
  });

  it('seals the same entries the same way in one batch or many (batch boundaries leave no trace)', () => {
    fc.assert(
      fc.property(offsets, fc.array(fc.nat(), { maxLength: 6 }), (deltas, cuts) => {
        let t = 0;
        const rows = deltas.map((d, i) => row(i + 1, (t += d)));
        expect(sealInBatches(rows, cuts).seals).toEqual(sealInBatches(rows, []).seals);
      }),
    );
  });

  it('keeps time order across skew of up to 1 s, keeps a time further back as recorded, and says when order is lost', () => {
    fc.assert(
      fc.property(offsets, (deltas) => {
        let t = 0;
        const rows = deltas.map((d, i) => row(i + 1, (t += d)));
        const { seals, head } = sealInBatches(rows, []);
        let last: string | null = null;
        let ordered = true;
        seals.forEach((s, i) => {
          const recorded = rows[i]!.occurred_at;
          const behind = last === null ? 0 : Date.parse(last) - Date.parse(recorded);
          // Within the skew: moved up to the previous entry's time; further back: kept as recorded.
          expect(s.occurred_at).toBe(behind > 0 && behind <= 1000 ? last : recorded);
          if (last !== null && s.occurred_at < last) ordered = false;
          if (last === null || s.occurred_at > last) last = s.occurred_at;
        });
        expect(head.time_ordered).toBe(ordered);
      }),
    );
  });

  it('breaks on any change to a sealed entry (the hash covers what the sealer read)', () => {
    const rows = [row(1, 0), row(2, 10), row(3, 20)];
    const { seals } = sealInBatches(rows, []);
    const tampered = { ...rows[1]!, target_label: 'Changed' };
    const v = new ChainVerifier();
    [rows[0]!, tampered, rows[2]!].forEach((r, i) =>
      v.push({ ...toChainedEntry(ACCOUNT, { ...r, seq: String(seals[i]!.seq), occurred_at: seals[i]!.occurred_at, hash: seals[i]!.hash, prev_hash: seals[i]!.prev_hash }), prevHash: seals[i]!.prev_hash, hash: seals[i]!.hash }),
    );
    expect(v.state).toMatchObject({ ok: false, firstBrokenSeq: 2 });
  });
});
