import { type KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { entryHash, GENESIS_HASH, type HashedEntry } from './chain';
import { type Checkpoint, verifyCheckpoint } from './checkpoint';

/** One batch of a Keyledger log stream, as the receiver got it (format keyledger-log-stream-batch/1). */
export interface StreamBatch {
  format?: string;
  streamId: string;
  accountId: string;
  batchId: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: string;
  filtered?: boolean;
  checkpoint: Checkpoint | null;
  entries: Array<HashedEntry & { prevHash: string }>;
}

export interface StreamReport {
  ok: boolean;
  batches: number;
  /** Distinct entries received (an entry sent twice — a retried batch, a backfill — counts once). */
  entries: number;
  duplicates: number;
  firstSeq: number | null;
  lastSeq: number | null;
  filtered: boolean;
  firstBrokenSeq?: number;
  reason?: string;
  /** The latest signed checkpoint the batches carried: its signature, and whether a received entry matches it. */
  checkpoint: {
    seq: number;
    at: string;
    signatureValid: boolean;
    matchesEntry: boolean | null;
  } | null;
}

export interface StreamVerifyOptions {
  /** The range the receiver must hold completely (default: from the lowest to the highest seq received). */
  fromSeq?: number;
  toSeq?: number;
}

/** seq → (hash, prevHash), 64 bytes an entry in chunks of 1,024 seqs: a million entries in ~64 MB. */
class SeqHashes {
  private static readonly CHUNK = 1024;
  private readonly chunks = new Map<number, { data: Buffer; present: Uint8Array }>();
  size = 0;
  min: number | undefined;
  max: number | undefined;

  private slot(seq: number, create: boolean) {
    const key = Math.floor(seq / SeqHashes.CHUNK);
    let c = this.chunks.get(key);
    if (!c && create) {
      c = { data: Buffer.alloc(SeqHashes.CHUNK * 64), present: new Uint8Array(SeqHashes.CHUNK) };
      this.chunks.set(key, c);
    }
    return c ? { c, i: seq - key * SeqHashes.CHUNK } : undefined;
  }

  has(seq: number): boolean {
    const s = this.slot(seq, false);
    return !!s && s.c.present[s.i] === 1;
  }

  /** The stored hash (0) or prevHash (1) of `seq`, hex; undefined when the entry is not there. */
  get(seq: number, which: 0 | 1): string | undefined {
    const s = this.slot(seq, false);
    if (!s || s.c.present[s.i] !== 1) return undefined;
    const at = s.i * 64 + which * 32;
    return s.c.data.toString('hex', at, at + 32);
  }

  set(seq: number, hash: string, prevHash: string): void {
    const s = this.slot(seq, true)!;
    s.c.present[s.i] = 1;
    s.c.data.write(hash, s.i * 64, 32, 'hex');
    s.c.data.write(prevHash, s.i * 64 + 32, 32, 'hex');
    this.size += 1;
    if (this.min === undefined || seq < this.min) this.min = seq;
    if (this.max === undefined || seq > this.max) this.max = seq;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** What is kept of a batch once its entries are checked and stored. */
interface BatchSummary {
  batchId: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: string;
  accountId: string;
  streamId: string;
  first: { seq: number; prevHash: string } | undefined;
  /** The lowest seq of the batch's entries per account id they name (one key, normally). */
  entryAccounts: Map<string, number>;
}

/**
 * Verifies log stream batches one at a time (memory: 64 bytes per entry, not the batches themselves):
 * add() checks each batch on its own (order within it, every entry against its hash, duplicates
 * identical) and keeps each entry's hash; report() checks what spans batches (no gap, the chain, each
 * batch's prevHash, the checkpoints). verifyStreamBatches and verifyStreamFolder run on it.
 */
export class StreamBatchVerifier {
  private broken: { seq: number; reason: string } | undefined;
  private readonly hashes = new SeqHashes();
  private readonly batches: BatchSummary[] = [];
  private readonly checkpoints = new Map<string, Checkpoint>();
  private filtered = false;
  private duplicates = 0;

  constructor(private readonly publicKey: KeyObject) {}

  private breakAt(seq: number, reason: string): void {
    if (!this.broken || seq < this.broken.seq) this.broken = { seq, reason };
  }

  add(b: StreamBatch): void {
    if (b.filtered) this.filtered = true;
    if (b.checkpoint)
      this.checkpoints.set(`${b.checkpoint.seq}:${b.checkpoint.signature}`, b.checkpoint);
    const entryAccounts = new Map<string, number>();
    let previous = b.firstSeq - 1;
    for (const e of b.entries) {
      if (e.seq <= previous || e.seq < b.firstSeq || e.seq > b.lastSeq)
        this.breakAt(e.seq, `entry #${e.seq} is out of order in batch ${b.batchId}`);
      previous = e.seq;
      const seen = entryAccounts.get(e.accountId);
      if (seen === undefined || e.seq < seen) entryAccounts.set(e.accountId, e.seq);
      if (
        typeof e.hash !== 'string' ||
        !HEX64.test(e.hash) ||
        typeof e.prevHash !== 'string' ||
        !HEX64.test(e.prevHash)
      ) {
        this.breakAt(e.seq, `entry #${e.seq} does not carry a well-formed hash and prevHash`);
        continue;
      }
      if (entryHash(e, e.prevHash) !== e.hash)
        this.breakAt(e.seq, `entry #${e.seq} does not match its hash: its content was changed`);
      if (this.hashes.has(e.seq)) {
        this.duplicates += 1;
        if (this.hashes.get(e.seq, 0) !== e.hash)
          this.breakAt(e.seq, `entry #${e.seq} arrived twice with different content`);
      } else this.hashes.set(e.seq, e.hash, e.prevHash);
    }
    const first = b.entries[0];
    this.batches.push({
      batchId: b.batchId,
      firstSeq: b.firstSeq,
      lastSeq: b.lastSeq,
      prevHash: b.prevHash,
      accountId: b.accountId,
      streamId: b.streamId,
      first: first ? { seq: first.seq, prevHash: first.prevHash } : undefined,
      entryAccounts,
    });
  }

  report(options: StreamVerifyOptions = {}): StreamReport {
    const sorted = [...this.batches].sort(
      (a, b) => a.firstSeq - b.firstSeq || a.lastSeq - b.lastSeq,
    );
    const accountId = sorted[0]?.accountId;
    const streamId = sorted[0]?.streamId;
    for (const b of sorted) {
      if (b.accountId !== accountId || b.streamId !== streamId)
        this.breakAt(b.firstSeq, `batch ${b.batchId} belongs to another stream or account`);
      for (const [account, seq] of b.entryAccounts)
        if (account !== accountId) this.breakAt(seq, `entry #${seq} belongs to another account`);
    }
    const hashes = this.hashes;
    const from = options.fromSeq ?? hashes.min;
    const to = options.toSeq ?? hashes.max;
    if (!this.filtered && from !== undefined && to !== undefined) {
      for (let seq = from; seq <= to; seq++) {
        const prevHash = hashes.get(seq, 1);
        if (prevHash === undefined) {
          this.breakAt(seq, `entry #${seq} is missing`);
          break;
        }
        if (seq === 1 && prevHash !== GENESIS_HASH)
          this.breakAt(1, 'entry #1 does not start the chain');
        const before = hashes.get(seq - 1, 0);
        if (before !== undefined && prevHash !== before)
          this.breakAt(seq, `entry #${seq} does not follow entry #${seq - 1}`);
      }
      for (const b of sorted) {
        const before = b.firstSeq === 1 ? GENESIS_HASH : hashes.get(b.firstSeq - 1, 0);
        if (before !== undefined && b.prevHash !== before)
          this.breakAt(b.firstSeq, `batch ${b.batchId} does not follow entry #${b.firstSeq - 1}`);
        if (b.first && b.first.seq === b.firstSeq && b.first.prevHash !== b.prevHash)
          this.breakAt(b.firstSeq, `batch ${b.batchId}: its prevHash is not its first entry's`);
      }
    } else if (from === undefined && options.toSeq !== undefined) {
      this.breakAt(options.fromSeq ?? 1, `entry #${options.fromSeq ?? 1} is missing`);
    }

    let checkpoint: StreamReport['checkpoint'] = null;
    for (const cp of [...this.checkpoints.values()].sort((a, b) => a.seq - b.seq)) {
      const signatureValid = verifyCheckpoint(cp, this.publicKey) && cp.accountId === accountId;
      const hash = hashes.get(cp.seq, 0);
      const matchesEntry = hash !== undefined ? hash === cp.hash : null;
      if (!signatureValid)
        this.breakAt(cp.seq, `the checkpoint at entry #${cp.seq} has an invalid signature`);
      else if (matchesEntry === false)
        this.breakAt(cp.seq, `entry #${cp.seq} differs from the signed checkpoint`);
      checkpoint = { seq: cp.seq, at: cp.at, signatureValid, matchesEntry };
    }

    const broken = this.broken;
    return {
      ok: !broken,
      batches: sorted.length,
      entries: hashes.size,
      duplicates: this.duplicates,
      firstSeq: hashes.min ?? null,
      lastSeq: hashes.max ?? null,
      filtered: this.filtered,
      ...(broken ? { firstBrokenSeq: broken.seq, reason: broken.reason } : {}),
      checkpoint,
    };
  }
}

/**
 * Verifies what a log stream delivered, offline: every entry against its own hash; for a stream
 * without a filter, that the entries from `fromSeq` to `toSeq` are all there (naming the first gap)
 * and each follows the one before (the chain), and that each batch's prevHash is the hash of the entry
 * before it; entries received more than once must be identical; the checkpoints the batches carry must
 * be signed by the public key, and match the received entry they name. A filtered stream holds only
 * some entries: each is checked on its own, and the order, but not the gaps between them.
 */
export function verifyStreamBatches(
  batches: StreamBatch[],
  publicKey: KeyObject,
  options: StreamVerifyOptions = {},
): StreamReport {
  const verifier = new StreamBatchVerifier(publicKey);
  for (const b of batches) verifier.add(b);
  return verifier.report(options);
}

/**
 * Reads the `*.json` batch files of a folder (as a receiver saved them) one at a time and verifies
 * them together: a file's batch is dropped once checked, so memory grows with the entries' hashes
 * (64 bytes each), not with the folder.
 */
export async function verifyStreamFolder(
  dir: string,
  publicKey: KeyObject,
  options: StreamVerifyOptions = {},
): Promise<StreamReport> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) throw new Error(`${dir} holds no batch files (*.json)`);
  const verifier = new StreamBatchVerifier(publicKey);
  for (const name of names) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(join(dir, name), 'utf8'));
    } catch {
      throw new Error(`${name} is not JSON: not a Keyledger log stream batch`);
    }
    const b = parsed as StreamBatch;
    if (
      typeof b?.firstSeq !== 'number' ||
      typeof b.lastSeq !== 'number' ||
      !Array.isArray(b.entries)
    ) {
      throw new Error(
        `${name} is not a Keyledger log stream batch (no firstSeq, lastSeq and entries)`,
      );
    }
    verifier.add(b);
  }
  return verifier.report(options);
}
