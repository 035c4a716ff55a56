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

  /** Both hashes of `seq`, or undefined. */
  entry(seq: number): { hash: string; prevHash: string } | undefined {
    return this.has(seq) ? { hash: this.get(seq, 0)!, prevHash: this.get(seq, 1)! } : undefined;
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

/** The continuity fields of a batch (every batch carries them, whatever the destination). */
export type StreamBatchHead = Omit<StreamBatch, 'entries'>;

interface BatchSummary {
  batchId: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: string;
  firstEntryPrevHash?: string;
}

/**
 * The incremental form of verifyStreamBatches: feed batches (or parts of one: a batch split over
 * several requests or files, each part with the batch's head) in any order with `add`, then `finish`.
 * Keeps each entry's seq, hash and prevHash and each batch's head, not the entries themselves.
 */
export class StreamVerifier {
  private broken: { seq: number; reason: string } | undefined;
  private accountId: string | undefined;
  private streamId: string | undefined;
  private filtered = false;
  /** Each entry's seq, hash and prevHash: 64 bytes an entry (SeqHashes), not the entries. */
  private readonly bySeq = new SeqHashes();
  private readonly batches = new Map<string, BatchSummary>();
  private readonly checkpoints = new Map<string, Checkpoint>();
  private parts = 0;
  duplicates = 0;

  constructor(
    private readonly publicKey: KeyObject,
    private readonly options: StreamVerifyOptions = {},
  ) {}

  breakAt(seq: number, reason: string): void {
    if (!this.broken || seq < this.broken.seq) this.broken = { seq, reason };
  }

  add(head: StreamBatchHead, entries: Array<HashedEntry & { prevHash: string }>): void {
    this.parts += 1;
    if (this.accountId === undefined) {
      this.accountId = head.accountId;
      this.streamId = head.streamId;
    }
    if (head.filtered) this.filtered = true;
    if (head.accountId !== this.accountId || head.streamId !== this.streamId)
      this.breakAt(head.firstSeq, `batch ${head.batchId} belongs to another stream or account`);
    const summary = this.batches.get(head.batchId) ?? {
      batchId: head.batchId,
      firstSeq: head.firstSeq,
      lastSeq: head.lastSeq,
      prevHash: head.prevHash,
    };
    if (summary.firstSeq !== head.firstSeq || summary.lastSeq !== head.lastSeq || summary.prevHash !== head.prevHash)
      this.breakAt(head.firstSeq, `batch ${head.batchId} arrived with two different heads`);
    this.batches.set(head.batchId, summary);
    if (head.checkpoint) this.checkpoints.set(`${head.checkpoint.seq}:${head.checkpoint.signature}`, head.checkpoint);
    let previous = head.firstSeq - 1;
    for (const e of entries) {
      if (e.seq <= previous || e.seq < head.firstSeq || e.seq > head.lastSeq)
        this.breakAt(e.seq, `entry #${e.seq} is out of order in batch ${head.batchId}`);
      previous = e.seq;
      if (e.seq === head.firstSeq) summary.firstEntryPrevHash = e.prevHash;
      if (e.accountId !== this.accountId) this.breakAt(e.seq, `entry #${e.seq} belongs to another account`);
      if (typeof e.hash !== 'string' || !HEX64.test(e.hash) || typeof e.prevHash !== 'string' || !HEX64.test(e.prevHash)) {
        this.breakAt(e.seq, `entry #${e.seq} does not carry a well-formed hash and prevHash`);
        continue;
      }
      if (entryHash(e, e.prevHash) !== e.hash)
        this.breakAt(e.seq, `entry #${e.seq} does not match its hash: its content was changed`);
      const seen = this.bySeq.entry(e.seq);
      if (seen) {
        this.duplicates += 1;
        if (seen.hash !== e.hash) this.breakAt(e.seq, `entry #${e.seq} arrived twice with different content`);
      } else this.bySeq.set(e.seq, e.hash, e.prevHash);
    }
  }

  finish(): StreamReport {
    const { bySeq, options } = this;
    const breakAt = (seq: number, reason: string) => this.breakAt(seq, reason);
    const from = options.fromSeq ?? bySeq.min;
    const to = options.toSeq ?? bySeq.max;
    if (!this.filtered && from !== undefined && to !== undefined) {
      for (let seq = from; seq <= to; seq++) {
        const e = bySeq.entry(seq);
        if (!e) {
          breakAt(seq, `entry #${seq} is missing`);
          break;
        }
        if (seq === 1 && e.prevHash !== GENESIS_HASH) breakAt(1, 'entry #1 does not start the chain');
        const before = bySeq.entry(seq - 1);
        if (before && e.prevHash !== before.hash)
          breakAt(seq, `entry #${seq} does not follow entry #${seq - 1}`);
      }
      for (const b of this.batches.values()) {
        const before = b.firstSeq === 1 ? { hash: GENESIS_HASH } : bySeq.entry(b.firstSeq - 1);
        if (before && b.prevHash !== before.hash)
          breakAt(b.firstSeq, `batch ${b.batchId} does not follow entry #${b.firstSeq - 1}`);
        if (b.firstEntryPrevHash !== undefined && b.firstEntryPrevHash !== b.prevHash)
          breakAt(b.firstSeq, `batch ${b.batchId}: its prevHash is not its first entry's`);
      }
    } else if (from === undefined && options.toSeq !== undefined) {
      breakAt(options.fromSeq ?? 1, `entry #${options.fromSeq ?? 1} is missing`);
    }

    let checkpoint: StreamReport['checkpoint'] = null;
    for (const cp of [...this.checkpoints.values()].sort((a, b) => a.seq - b.seq)) {
      const signatureValid = verifyCheckpoint(cp, this.publicKey) && cp.accountId === this.accountId;
      const entry = bySeq.entry(cp.seq);
      const matchesEntry = entry ? entry.hash === cp.hash : null;
      if (!signatureValid) breakAt(cp.seq, `the checkpoint at entry #${cp.seq} has an invalid signature`);
      else if (matchesEntry === false) breakAt(cp.seq, `entry #${cp.seq} differs from the signed checkpoint`);
      checkpoint = { seq: cp.seq, at: cp.at, signatureValid, matchesEntry };
    }

    const broken = this.broken;
    return {
      ok: !broken,
      batches: this.batches.size,
      entries: bySeq.size,
      duplicates: this.duplicates,
      firstSeq: bySeq.min ?? null,
      lastSeq: bySeq.max ?? null,
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
  const v = new StreamVerifier(publicKey, options);
  for (const b of [...batches].sort((a, b) => a.firstSeq - b.firstSeq || a.lastSeq - b.lastSeq)) {
    const { entries, ...head } = b;
    v.add(head, entries);
  }
  return v.finish();
}

/**
 * Reads every batch file of a folder (as a receiver saved them: `*.json` or `*.ndjson`), one file at a
 * time, and verifies them together. A file is a webhook batch (one JSON object with `entries`), a Splunk
 * HEC request (concatenated event envelopes whose `event` is an entry with its batch's `keyledger`
 * fields) or a Datadog request (a JSON array of logs, each an entry with `keyledger`).
 */
export async function verifyStreamFolder(
  dir: string,
  publicKey: KeyObject,
  options: StreamVerifyOptions = {},
): Promise<StreamReport> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json') || n.endsWith('.ndjson')).sort();
  if (names.length === 0) throw new Error(`${dir} holds no batch files (*.json)`);
  const v = new StreamVerifier(publicKey, options);
  for (const name of names) {
    const text = await readFile(join(dir, name), 'utf8');
    let parts: Array<{ head: StreamBatchHead; entries: Array<HashedEntry & { prevHash: string }> }>;
    try {
      parts = parseReceived(text);
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`);
    }
    for (const p of parts) v.add(p.head, p.entries);
  }
  return v.finish();
}

export type Part = { head: StreamBatchHead; entries: Array<HashedEntry & { prevHash: string }> };

/** The batches (or parts of batches) in one received request body, whatever the destination. */
export function parseReceived(text: string): Part[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    // Datadog: an array of logs.
    let logs: unknown;
    try {
      logs = JSON.parse(trimmed);
    } catch {
      throw new Error('not JSON: not a Keyledger log stream payload');
    }
    if (!Array.isArray(logs)) throw new Error('not a Datadog logs array');
    return groupRecords(logs.map((l) => splitRecord(l, DATADOG_FIELDS)));
  }
  const values = parseConcatenatedJson(trimmed);
  if (values.length === 1 && isBatch(values[0])) {
    const { entries, ...head } = values[0];
    return [{ head: head as StreamBatchHead, entries }];
  }
  // Splunk HEC (envelopes, whose `event` is the record) or NDJSON records (an S3 object's lines).
  return recordsToParts(values);
}

/** Records (an entry with `keyledger`, or a HEC envelope holding one as `event`) grouped into batch parts. */
export function recordsToParts(values: unknown[]): Part[] {
  return groupRecords(
    values.map((v) => {
      const event = (v as { event?: unknown }).event;
      return splitRecord(event !== undefined && typeof event === 'object' ? event : v, []);
    }),
  );
}

const DATADOG_FIELDS = ['ddsource', 'service', 'ddtags', 'hostname', 'message'];

function isBatch(v: unknown): v is StreamBatch {
  const b = v as StreamBatch;
  return typeof b?.firstSeq === 'number' && typeof b.lastSeq === 'number' && Array.isArray(b.entries);
}

/** An entry with its batch's continuity fields under `keyledger`: the two apart (a test event has no entry). */
function splitRecord(v: unknown, drop: string[]): { head: StreamBatchHead; entry: (HashedEntry & { prevHash: string }) | null } {
  const r = v as Record<string, unknown> | null;
  const head = r?.keyledger as StreamBatchHead | undefined;
  if (!r || !head || typeof head.firstSeq !== 'number' || typeof head.batchId !== 'string')
    throw new Error('a record without its batch (keyledger.batchId, firstSeq, …): not a Keyledger log stream payload');
  if ((head as { test?: boolean }).test) return { head, entry: null };
  const entry: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(r)) if (k !== 'keyledger' && !drop.includes(k)) entry[k] = val;
  if (typeof entry.seq !== 'number' || typeof entry.hash !== 'string')
    throw new Error('a record without an entry (seq, hash)');
  return { head, entry: entry as unknown as HashedEntry & { prevHash: string } };
}

/** Consecutive records of the same batch as one part. */
function groupRecords(records: Array<{ head: StreamBatchHead; entry: (HashedEntry & { prevHash: string }) | null }>): Part[] {
  const parts: Part[] = [];
  for (const r of records) {
    if (!r.entry) continue;
    const last = parts[parts.length - 1];
    if (last && last.head.batchId === r.head.batchId) last.entries.push(r.entry);
    else parts.push({ head: r.head, entries: [r.entry] });
  }
  return parts;
}

/** Parses JSON values written one after another (HEC's batch format; NDJSON is a special case). */
export function parseConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        try {
          out.push(JSON.parse(text.slice(start, i + 1)));
        } catch {
          throw new Error('not JSON: not a Keyledger log stream payload');
        }
      } else if (depth < 0) throw new Error('not JSON: not a Keyledger log stream payload');
    } else if (depth === 0 && c > 0x20) throw new Error('not JSON: not a Keyledger log stream payload');
  }
  if (depth !== 0 || inString) throw new Error('not JSON: not a Keyledger log stream payload (cut off)');
  return out;
}
