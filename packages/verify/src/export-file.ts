import { type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { entryHash, type HashedEntry } from './chain';
import { type Checkpoint, verifyCheckpoint } from './checkpoint';

/**
 * The first line of an NDJSON export: `{"manifest": {...}}`, written when the export's snapshot is
 * taken. `complete` says the export holds every entry of the account up to `chainHead` (no filter).
 */
export interface ExportManifest {
  format: 'keyledger-audit-ndjson/1';
  accountId: string;
  complete: boolean;
  chainHead: { seq: number; hash: string } | null;
  checkpoint: Checkpoint | null;
}

export interface ExportReport {
  ok: boolean;
  entries: number;
  firstSeq: number | null;
  lastSeq: number | null;
  firstBrokenSeq?: number;
  reason?: string;
  checkpoint: { seq: number; at: string; signatureValid: boolean; matchesEntry: boolean | null } | null;
}

interface Line extends HashedEntry {
  prevHash: string;
}

/**
 * Verifies an NDJSON export without the service: each entry against its own hash, neighbouring
 * entries against each other (ascending or descending files), the numbering against the manifest's
 * chain head when the export is complete, and the manifest's checkpoint signature and hash.
 * Streams: memory stays flat whatever the file's size.
 */
export async function verifyExport(lines: AsyncIterable<string>, publicKey: KeyObject): Promise<ExportReport> {
  let manifest: ExportManifest | undefined;
  let prev: Line | undefined;
  let count = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let min = Infinity;
  let max = -Infinity;
  let checkpointEntryHash: string | undefined;
  let broken: { seq: number; reason: string } | undefined;
  const breakAt = (seq: number, reason: string) => {
    if (!broken || seq < broken.seq) broken = { seq, reason };
  };

  let lineNo = 0;
  for await (const raw of lines) {
    lineNo += 1;
    if (!raw.trim()) continue;
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new Error(`line ${lineNo} is not JSON: this is not a Keyledger NDJSON export`);
    }
    if (!manifest) {
      if (!obj.manifest) throw new Error('the first line is not a Keyledger export manifest');
      manifest = obj.manifest as ExportManifest;
      continue;
    }
    const e = obj as unknown as Line;
    if (typeof e.seq !== 'number' || typeof e.hash !== 'string' || typeof e.prevHash !== 'string') {
      throw new Error(`line ${lineNo} has no seq, hash and prevHash`);
    }
    count += 1;
    firstSeq ??= e.seq;
    lastSeq = e.seq;
    min = Math.min(min, e.seq);
    max = Math.max(max, e.seq);
    if (manifest.checkpoint?.seq === e.seq) checkpointEntryHash = e.hash;
    if (entryHash(e, e.prevHash) !== e.hash) breakAt(e.seq, `entry #${e.seq} does not match its hash: its content was changed`);
    if (e.seq === 1 && e.prevHash !== '0'.repeat(64)) breakAt(1, 'entry #1 does not start the chain');
    if (prev) {
      const [lo, hi] = prev.seq < e.seq ? [prev, e] : [e, prev];
      if (hi.seq === lo.seq) breakAt(lo.seq, `entry #${lo.seq} appears twice`);
      else if (hi.seq === lo.seq + 1) {
        if (hi.prevHash !== lo.hash) breakAt(hi.seq, `entry #${hi.seq} does not follow entry #${lo.seq}`);
      } else if (manifest.complete) breakAt(lo.seq + 1, `entry #${lo.seq + 1} is missing`);
    }
    prev = e;
  }
  if (!manifest) throw new Error('the file is empty');

  if (manifest.complete && manifest.chainHead) {
    const head = manifest.chainHead;
    if (count === 0) breakAt(1, 'entry #1 is missing');
    else {
      if (min !== 1) breakAt(1, 'entry #1 is missing');
      if (max < head.seq) breakAt(max + 1, `entry #${max + 1} is missing`);
      if (max > head.seq) breakAt(head.seq + 1, `entry #${head.seq + 1} is beyond the chain head`);
    }
  }

  let checkpoint: ExportReport['checkpoint'] = null;
  if (manifest.checkpoint) {
    const cp = manifest.checkpoint;
    const signatureValid = verifyCheckpoint(cp, publicKey) && cp.accountId === manifest.accountId;
    const matchesEntry = checkpointEntryHash === undefined ? null : checkpointEntryHash === cp.hash;
    checkpoint = { seq: cp.seq, at: cp.at, signatureValid, matchesEntry };
    if (!signatureValid) breakAt(cp.seq, `the checkpoint at entry #${cp.seq} has an invalid signature`);
    else if (matchesEntry === false) breakAt(cp.seq, `entry #${cp.seq} differs from the signed checkpoint`);
  }
  return {
    ok: !broken,
    entries: count,
    firstSeq,
    lastSeq,
    ...(broken ? { firstBrokenSeq: broken.seq, reason: broken.reason } : {}),
    checkpoint,
  };
}

export function verifyExportFile(path: string, publicKey: KeyObject): Promise<ExportReport> {
  return verifyExport(createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity }), publicKey);
}
