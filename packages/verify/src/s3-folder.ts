import { createHash, type KeyObject, verify } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { canonicalJson } from './canonical';
import { type Checkpoint, verifyCheckpoint } from './checkpoint';
import { recordsToParts, StreamVerifier, type StreamReport, type StreamVerifyOptions } from './stream-batches';

/** An S3 stream's hourly digest (`…/digests/YYYY/MM/DD/HH.json`, format keyledger-log-stream-digest/1). */
export interface S3Digest {
  format: string;
  accountId: string;
  streamId: string;
  hour: string;
  complete: boolean;
  writtenAt: string;
  objects: Array<{ key: string; sha256: string; bytes: number; firstSeq: number; lastSeq: number; entries: number }>;
  firstSeq: number | null;
  lastSeq: number | null;
  checkpoint: Checkpoint | null;
  previousDigest: { key: string; sha256: string; hour: string } | null;
  keyId: string;
  signature: string;
}

export interface S3FolderReport extends StreamReport {
  objects: number;
  digests: {
    count: number;
    final: number;
    firstHour: string | null;
    lastHour: string | null;
    /** The digest the first one in the folder chains to, when that one is not in the folder. */
    chainStartsAfter: string | null;
  };
  /** Objects not (yet) in a digest: the current hour's latest objects, whose digest is written later. */
  unlistedObjects: string[];
}

/** Whether the digest's signature (Ed25519 over the canonical JSON of every other field) is the key's. */
export function verifyDigestSignature(d: S3Digest, publicKey: KeyObject): boolean {
  const { signature, ...rest } = d;
  try {
    return verify(null, Buffer.from(canonicalJson(rest)), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

async function walk(dir: string, out: string[] = []): Promise<string[]> {
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) await walk(p, out);
    else if (d.isFile()) out.push(p);
  }
  return out;
}

/** The last `n` segments of a key or path (`YYYY/MM/DD/HH/<name>`), whatever prefix the download kept. */
const tail = (path: string, n: number) => path.split(/[\\/]/).slice(-n).join('/');

/**
 * Verifies a folder of objects downloaded from an S3 log stream (e.g. `aws s3 sync
 * s3://bucket/<prefix>/account=<id>/stream=<id>/ folder/`), offline: every digest's signature (the
 * checkpoint key) and its chain to the digest before it (key and SHA-256 of that file); every object a
 * digest lists present with that SHA-256; no object missing from its hour's final digest; then every
 * object, decompressed a line at a time, as `--batches` checks batches (complete from --from to --to,
 * chained, checkpoints signed). Names the first gap or broken entry.
 */
export async function verifyS3Folder(
  dir: string,
  publicKey: KeyObject,
  options: StreamVerifyOptions = {},
): Promise<S3FolderReport> {
  const files = (await walk(dir)).map((p) => relative(dir, p).split(sep).join('/')).sort();
  const objectFiles = files.filter((f) => f.endsWith('.ndjson.gz'));
  const digestFiles = files.filter((f) => /(^|\/)digests\/\d{4}\/\d{2}\/\d{2}\/\d{2}\.json$/.test(f));
  // Nothing at all is not a log stream folder; digests without their objects are (the objects are missing).
  if (objectFiles.length === 0 && digestFiles.length === 0) throw new Error(`${dir} holds no log stream objects (*.ndjson.gz) nor digests`);
  const v = new StreamVerifier(publicKey, options);

  // The digests: signed, chained, in hour order.
  const digests: Array<{ file: string; d: S3Digest; sha256: string }> = [];
  for (const file of digestFiles) {
    const bytes = await readFile(join(dir, file));
    let d: S3Digest;
    try {
      d = JSON.parse(bytes.toString('utf8')) as S3Digest;
    } catch {
      throw new Error(`${file} is not JSON: not a Keyledger log stream digest`);
    }
    if (!Array.isArray(d?.objects) || typeof d.hour !== 'string')
      throw new Error(`${file} is not a Keyledger log stream digest`);
    digests.push({ file, d, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  digests.sort((a, b) => a.d.hour.localeCompare(b.d.hour));
  let chainStartsAfter: string | null = null;
  const listed = new Map<string, { sha256: string; hour: string; firstSeq: number }>();
  const finalHours = new Set<string>();
  digests.forEach(({ file, d }, i) => {
    const at = d.firstSeq ?? 0;
    if (!verifyDigestSignature(d, publicKey)) v.breakAt(at, `the digest ${file} has an invalid signature`);
    if (d.checkpoint && !verifyCheckpoint(d.checkpoint, publicKey))
      v.breakAt(d.checkpoint.seq, `the checkpoint in the digest ${file} has an invalid signature`);
    const before = digests[i - 1];
    if (i === 0) chainStartsAfter = d.previousDigest?.key ?? null;
    else if (!d.previousDigest) v.breakAt(at, `the digest ${file} does not chain to the digest before it`);
    else if (d.previousDigest.hour !== before!.d.hour)
      v.breakAt(at, `the digest of hour ${d.previousDigest.hour} is missing (${file} chains to it)`);
    else if (tail(d.previousDigest.key, 5) !== tail(before!.file, 5) || d.previousDigest.sha256 !== before!.sha256)
      v.breakAt(at, `the digest ${before!.file} is not the one ${file} chains to: it was changed or replaced`);
    if (i < digests.length - 1 && !d.complete) v.breakAt(at, `the digest ${file} is not final, yet a later one exists`);
    if (d.complete) finalHours.add(d.hour);
    for (const o of d.objects) listed.set(tail(o.key, 5), { sha256: o.sha256, hour: d.hour, firstSeq: o.firstSeq });
  });

  // The tail: only the newest objects may be in no digest yet (the current hour's digest is rewritten
  // now and then). A digest is final only once a batch of a later hour was written, and that batch's
  // hour gets its digest in the same send: so when the last digest is final, or there is none at all,
  // the digests after it were removed, and the objects after it could be anything.
  const last = digests[digests.length - 1];
  const lastHour = last ? Date.parse(last.d.hour) : NaN;
  const tailOpen = last !== undefined && !last.d.complete;
  if (last?.d.complete && !(options.toSeq !== undefined && last.d.lastSeq !== null && options.toSeq <= last.d.lastSeq))
    v.breakAt(
      (last.d.lastSeq ?? 0) + 1,
      `the digest ${last.file} is final, yet no digest of a later hour is in the folder: it was removed`,
    );

  // The objects: each read once (SHA-256 and entries in the same pass), a line at a time.
  const present = new Set<string>();
  const unlisted: string[] = [];
  for (const file of objectFiles) {
    const name = tail(file, 5);
    present.add(name);
    const hash = createHash('sha256');
    const source = createReadStream(join(dir, file));
    source.on('data', (c) => hash.update(c));
    const gunzip = source.pipe(createGunzip());
    const lines = createInterface({ input: gunzip, crlfDelay: Infinity });
    const records: unknown[] = [];
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        records.push(JSON.parse(line));
        if (records.length >= 1000) for (const p of recordsToParts(records.splice(0))) v.add(p.head, p.entries);
      }
      for (const p of recordsToParts(records.splice(0))) v.add(p.head, p.entries);
    } catch (err) {
      // Not gzip, cut off, or not Keyledger records: the object is broken (its SHA-256 will not match either).
      source.destroy();
      const seqMatch = /(\d+)-(\d+)\.ndjson\.gz$/.exec(file);
      v.breakAt(seqMatch ? Number(seqMatch[1]) : 0, `the object ${file} cannot be read: ${(err as Error).message}`);
      continue;
    }
    const sha256 = hash.digest('hex');
    const entry = listed.get(name);
    const seqMatch = /(\d+)-(\d+)\.ndjson\.gz$/.exec(file);
    const firstSeq = seqMatch ? Number(seqMatch[1]) : 0;
    if (entry && entry.sha256 !== sha256)
      v.breakAt(entry.firstSeq, `the object ${file} does not match the SHA-256 its digest lists: it was changed`);
    if (!entry) {
      const hour = /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/[^/]+$/.exec(file);
      const hourIso = hour ? new Date(Date.UTC(+hour[1]!, +hour[2]! - 1, +hour[3]!, +hour[4]!)).toISOString() : '';
      if (finalHours.has(hourIso)) v.breakAt(firstSeq, `the object ${file} is not in its hour's final digest`);
      else if (!last) v.breakAt(firstSeq, `the object ${file} is in no digest: the folder holds no digest at all`);
      else if (!tailOpen && Date.parse(hourIso) > lastHour)
        v.breakAt(firstSeq, `the object ${file} is in no digest: the digest of its hour is missing`);
      else unlisted.push(file);
    }
  }
  for (const [name, o] of listed)
    if (!present.has(name)) v.breakAt(o.firstSeq, `the object ${name} listed in the digest of ${o.hour} is missing`);

  const report = v.finish();
  return {
    ...report,
    objects: objectFiles.length,
    digests: {
      count: digests.length,
      final: finalHours.size,
      firstHour: digests[0]?.d.hour ?? null,
      lastHour: digests[digests.length - 1]?.d.hour ?? null,
      chainStartsAfter,
    },
    unlistedObjects: unlisted,
  };
}
