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
  let broken: { seq: number; reason: string } | undefined;
  const breakAt = (seq: number, reason: string) => {
    if (!broken || seq < broken.seq) broken = { seq, reason };
  };
  const sorted = [...batches].sort((a, b) => a.firstSeq - b.firstSeq || a.lastSeq - b.lastSeq);
  const filtered = sorted.some((b) => b.filtered);
  const accountId = sorted[0]?.accountId;
  const streamId = sorted[0]?.streamId;
  const bySeq = new Map<number, HashedEntry & { prevHash: string }>();
  let duplicates = 0;
  for (const b of sorted) {
    if (b.accountId !== accountId || b.streamId !== streamId)
      breakAt(b.firstSeq, `batch ${b.batchId} belongs to another stream or account`);
    let previous = b.firstSeq - 1;
    for (const e of b.entries) {
      if (e.seq <= previous || e.seq < b.firstSeq || e.seq > b.lastSeq)
        breakAt(e.seq, `entry #${e.seq} is out of order in batch ${b.batchId}`);
      previous = e.seq;
      if (e.accountId !== accountId) breakAt(e.seq, `entry #${e.seq} belongs to another account`);
      if (entryHash(e, e.prevHash) !== e.hash)
        breakAt(e.seq, `entry #${e.seq} does not match its hash: its content was changed`);
      const seen = bySeq.get(e.seq);
      if (seen) {
        duplicates += 1;
        if (seen.hash !== e.hash)
          breakAt(e.seq, `entry #${e.seq} arrived twice with different content`);
      } else bySeq.set(e.seq, e);
    }
  }

  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const from = options.fromSeq ?? seqs[0];
  const to = options.toSeq ?? seqs[seqs.length - 1];
  if (!filtered && from !== undefined && to !== undefined) {
    for (let seq = from; seq <= to; seq++) {
      const e = bySeq.get(seq);
      if (!e) {
        breakAt(seq, `entry #${seq} is missing`);
        break;
      }
      if (seq === 1 && e.prevHash !== GENESIS_HASH) breakAt(1, 'entry #1 does not start the chain');
      const before = bySeq.get(seq - 1);
      if (before && e.prevHash !== before.hash)
        breakAt(seq, `entry #${seq} does not follow entry #${seq - 1}`);
    }
    for (const b of sorted) {
      const before = b.firstSeq === 1 ? { hash: GENESIS_HASH } : bySeq.get(b.firstSeq - 1);
      if (before && b.prevHash !== before.hash)
        breakAt(b.firstSeq, `batch ${b.batchId} does not follow entry #${b.firstSeq - 1}`);
      const first = b.entries[0];
      if (first && first.seq === b.firstSeq && first.prevHash !== b.prevHash)
        breakAt(b.firstSeq, `batch ${b.batchId}: its prevHash is not its first entry's`);
    }
  } else if (from === undefined && options.toSeq !== undefined) {
    breakAt(options.fromSeq ?? 1, `entry #${options.fromSeq ?? 1} is missing`);
  }

  let checkpoint: StreamReport['checkpoint'] = null;
  const checkpoints = new Map<string, Checkpoint>();
  for (const b of sorted)
    if (b.checkpoint)
      checkpoints.set(`${b.checkpoint.seq}:${b.checkpoint.signature}`, b.checkpoint);
  for (const cp of [...checkpoints.values()].sort((a, b) => a.seq - b.seq)) {
    const signatureValid = verifyCheckpoint(cp, publicKey) && cp.accountId === accountId;
    const entry = bySeq.get(cp.seq);
    const matchesEntry = entry ? entry.hash === cp.hash : null;
    if (!signatureValid)
      breakAt(cp.seq, `the checkpoint at entry #${cp.seq} has an invalid signature`);
    else if (matchesEntry === false)
      breakAt(cp.seq, `entry #${cp.seq} differs from the signed checkpoint`);
    checkpoint = { seq: cp.seq, at: cp.at, signatureValid, matchesEntry };
  }

  return {
    ok: !broken,
    batches: sorted.length,
    entries: bySeq.size,
    duplicates,
    firstSeq: seqs[0] ?? null,
    lastSeq: seqs[seqs.length - 1] ?? null,
    filtered,
    ...(broken ? { firstBrokenSeq: broken.seq, reason: broken.reason } : {}),
    checkpoint,
  };
}

/** Reads every `*.json` batch file of a folder (as a receiver saved them) and verifies them together. */
export async function verifyStreamFolder(
  dir: string,
  publicKey: KeyObject,
  options: StreamVerifyOptions = {},
): Promise<StreamReport> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const batches: StreamBatch[] = [];
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
    batches.push(b);
  }
  if (batches.length === 0) throw new Error(`${dir} holds no batch files (*.json)`);
  return verifyStreamBatches(batches, publicKey, options);
}
