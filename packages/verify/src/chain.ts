import * as crypto from 'node:crypto';
import { canonicalEntry, type ChainedEntry } from './canonical';

/** The hash before an account's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Node's one-shot digest (20.12+, 21.7+): no Hash object per entry. Older Node: createHash. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** hash = SHA-256(canonical form ‖ previous hash), hex. */
export function entryHash(e: ChainedEntry, prevHash: string): string {
  const data = canonicalEntry(e) + prevHash;
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

export interface HashedEntry extends ChainedEntry {
  hash: string;
  prevHash?: string;
}

export interface ChainState {
  ok: boolean;
  /** The highest seq verified in an unbroken run from the first entry seen. */
  verifiedThroughSeq: number;
  headHash: string;
  count: number;
  firstBrokenSeq?: number;
  reason?: string;
  /** seq → hash, kept only for the seqs a caller asked about (e.g. checkpoints). */
  hashesAt: Map<number, string>;
}

/**
 * Walks entries in ascending seq order, one at a time (memory stays flat). Reports the first entry
 * whose number, link or hash is wrong. `startSeq`/`startHash` allow verifying a run that does not
 * start at 1 (an export of a later range): then the first entry's own prevHash is trusted.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private prevHash: string | undefined;
  readonly state: ChainState;

  constructor(
    options: { startSeq?: number; startHash?: string; watch?: Iterable<number> } = {},
    private readonly watch = new Set(options.watch ?? []),
  ) {
    this.expectedSeq = options.startSeq ?? 1;
    this.prevHash = options.startHash ?? (options.startSeq === undefined || options.startSeq === 1 ? GENESIS_HASH : undefined);
    this.state = { ok: true, verifiedThroughSeq: this.expectedSeq - 1, headHash: this.prevHash ?? '', count: 0, hashesAt: new Map() };
  }

  /** Feed the next entry; returns false once the chain is broken (further entries are ignored). */
  push(e: HashedEntry): boolean {
    if (!this.state.ok) return false;
    this.state.count += 1;
    if (e.seq !== this.expectedSeq) {
      return this.fail(
        Math.min(e.seq, this.expectedSeq),
        e.seq > this.expectedSeq ? `entry #${this.expectedSeq} is missing` : `entry #${e.seq} is out of order or duplicated`,
      );
    }
    const prev = this.prevHash ?? e.prevHash;
    if (prev === undefined) return this.fail(e.seq, `entry #${e.seq} does not say which hash it follows`);
    if (e.prevHash !== undefined && e.prevHash !== prev) return this.fail(e.seq, `entry #${e.seq} does not follow entry #${e.seq - 1}`);
    const computed = entryHash(e, prev);
    if (computed !== e.hash) return this.fail(e.seq, `entry #${e.seq} does not match its hash: its content was changed`);
    if (this.watch.has(e.seq)) this.state.hashesAt.set(e.seq, e.hash);
    this.prevHash = e.hash;
    this.expectedSeq = e.seq + 1;
    this.state.verifiedThroughSeq = e.seq;
    this.state.headHash = e.hash;
    return true;
  }

  /** The chain must reach at least this seq (the account's recorded head). */
  expectEnd(lastSeq: number, lastHash?: string): void {
    if (!this.state.ok) return;
    if (this.state.verifiedThroughSeq < lastSeq) this.fail(this.state.verifiedThroughSeq + 1, `entry #${this.state.verifiedThroughSeq + 1} is missing`);
    else if (this.state.verifiedThroughSeq > lastSeq) this.fail(lastSeq + 1, `entry #${lastSeq + 1} is beyond the recorded chain head`);
    else if (lastHash !== undefined && lastHash !== this.state.headHash) this.fail(lastSeq, `the chain head does not match entry #${lastSeq}`);
  }

  fail(seq: number, reason: string): false {
    if (this.state.ok) {
      this.state.ok = false;
      this.state.firstBrokenSeq = seq;
      this.state.reason = reason;
    }
    return false;
  }
}
