import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson, type ChainedEntry } from './canonical';
import { entryHash, GENESIS_HASH } from './chain';
import { type S3Digest, verifyS3Folder } from './s3-folder';
import { parseReceived, type StreamBatchHead } from './stream-batches';

const ACCOUNT = '0190a1b2-0000-7000-8000-000000000001';
const STREAM = '0190a1b2-0000-7000-8000-0000000000f1';
const keys = generateKeyPairSync('ed25519');

function chain(n: number) {
  const out: Array<ChainedEntry & { hash: string; prevHash: string; id: string }> = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: ChainedEntry = {
      accountId: ACCOUNT,
      seq,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      action: 'product_created',
      actor: { type: 'platform_user', id: '0190a1b2-0000-7000-8000-0000000000aa', name: 'Ann', email: 'ann@acme.test' },
      target: { type: 'product', id: '0190a1b2-0000-7000-8000-0000000000b1', label: `Product ${seq}` },
      links: [],
      changes: [{ field: 'name', before: null, after: `Product ${seq}` }],
      context: { requestId: `req-${seq}`, ip: '127.0.0.1', userAgent: 'test', source: 'ui' },
    };
    const hash = entryHash(e, prev);
    out.push({ ...e, id: `id-${seq}`, hash, prevHash: prev });
    prev = hash;
  }
  return out;
}

const pad = (n: number) => String(n).padStart(16, '0');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A downloaded S3 stream folder: 12 entries in batches of 4, hours 09 (two objects) and 10 (one), a digest each. */
function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'kl-s3-verify-'));
  const entries = chain(12);
  const hours = ['2026/01/01/09', '2026/01/01/09', '2026/01/01/10'];
  const objects: Array<{ key: string; sha256: string; bytes: number; firstSeq: number; lastSeq: number; entries: number; hour: string }> = [];
  for (let b = 0; b < 3; b++) {
    const part = entries.slice(b * 4, b * 4 + 4);
    const head: StreamBatchHead = {
      format: 'keyledger-log-stream-batch/1',
      streamId: STREAM,
      accountId: ACCOUNT,
      batchId: `batch_${b}`,
      firstSeq: part[0]!.seq,
      lastSeq: part[3]!.seq,
      prevHash: part[0]!.prevHash,
      filtered: false,
      checkpoint: null,
    };
    const body = gzipSync(part.map((e) => `${JSON.stringify({ ...e, keyledger: head })}\n`).join(''));
    const key = `${hours[b]}/${pad(head.firstSeq)}-${pad(head.lastSeq)}.ndjson.gz`;
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), body);
    objects.push({ key: `pre/account=${ACCOUNT}/stream=${STREAM}/${key}`, sha256: sha(body), bytes: body.length, firstSeq: head.firstSeq, lastSeq: head.lastSeq, entries: 4, hour: hours[b]! });
  }
  let previous: S3Digest['previousDigest'] = null;
  for (const [hour, complete] of [['2026/01/01/09', true], ['2026/01/01/10', false]] as const) {
    const listed = objects.filter((o) => o.hour === hour).map(({ hour: _h, ...o }) => o);
    const d: Omit<S3Digest, 'signature'> = {
      format: 'keyledger-log-stream-digest/1',
      accountId: ACCOUNT,
      streamId: STREAM,
      hour: `${hour.replaceAll('/', '-').replace(/-(\d{2})$/, 'T$1')}:00:00.000Z`,
      complete,
      writtenAt: '2026-01-01T11:00:00.000Z',
      objects: listed,
      firstSeq: listed[0]!.firstSeq,
      lastSeq: listed[listed.length - 1]!.lastSeq,
      checkpoint: null,
      previousDigest: previous,
      keyId: 'test',
    };
    const signature = sign(null, Buffer.from(canonicalJson(d)), keys.privateKey).toString('base64');
    const bytes = Buffer.from(JSON.stringify({ ...d, signature }, null, 2));
    const key = `digests/${hour}.json`;
    mkdirSync(dirname(join(dir, key)), { recursive: true });
    writeFileSync(join(dir, key), bytes);
    previous = { key: `pre/account=${ACCOUNT}/stream=${STREAM}/${key}`, sha256: sha(bytes), hour: d.hour };
  }
  return dir;
}

describe('verifyS3Folder', () => {
  const dirs: string[] = [];
  const make = () => {
    const d = folder();
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes a complete folder: digests signed and chained, objects as listed, entries 1..12', async () => {
    const r = await verifyS3Folder(make(), keys.publicKey, { fromSeq: 1, toSeq: 12 });
    expect(r).toMatchObject({ ok: true, entries: 12, firstSeq: 1, lastSeq: 12, objects: 3, unlistedObjects: [] });
    expect(r.digests).toMatchObject({ count: 2, final: 1, chainStartsAfter: null });
  });

  it('names a changed object (SHA-256), a missing one, a corrupt one, and an object left out of a final digest', async () => {
    let dir = make();
    const first = join(dir, `2026/01/01/09/${pad(1)}-${pad(4)}.ndjson.gz`);
    writeFileSync(first, gzipSync(Buffer.from(gunzipSync(readFileSync(first)).toString().replace('Product 2', 'Product X'))));
    let r = await verifyS3Folder(dir, keys.publicKey);
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: 1 });
    expect(r.reason).toMatch(/does not match the SHA-256 its digest lists|entry #2 does not match its hash/);

    dir = make();
    rmSync(join(dir, `2026/01/01/09/${pad(5)}-${pad(8)}.ndjson.gz`));
    r = await verifyS3Folder(dir, keys.publicKey, { fromSeq: 1, toSeq: 12 });
    expect(r).toMatchObject({ ok: false, firstBrokenSeq: 5 });

    dir = make();
    writeFileSync(join(dir, `2026/01/01/10/${pad(9)}-${pad(12)}.ndjson.gz`), 'not gzip');
    r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/cannot be read/);

    dir = make();
    // An object in hour 09 (final digest) that the digest does not list.
    writeFileSync(join(dir, `2026/01/01/09/${pad(1)}-${pad(3)}.ndjson.gz`), readFileSync(join(dir, `2026/01/01/09/${pad(1)}-${pad(4)}.ndjson.gz`)));
    r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/is not in its hour's final digest/);
  });

  it('every object removed, the digests kept: broken at the first listed entry, not an error (the single-object folder of a quick stream)', async () => {
    const dir = make();
    rmSync(join(dir, '2026'), { recursive: true });
    for (const options of [{ fromSeq: 1, toSeq: 12 }, {}]) {
      const r = await verifyS3Folder(dir, keys.publicKey, options);
      expect(r).toMatchObject({ ok: false, firstBrokenSeq: 1, objects: 0 });
    }
    // An empty folder is still no log stream folder at all.
    await expect(verifyS3Folder(mkdtempSync(join(tmpdir(), 'kl-s3-empty-')), keys.publicKey)).rejects.toThrow(/holds no log stream objects/);
  });

  it("names a changed digest (signature, chain) and a missing hour's digest", async () => {
    let dir = make();
    const d9 = join(dir, 'digests/2026/01/01/09.json');
    writeFileSync(d9, readFileSync(d9, 'utf8').replace('"complete": true', '"complete": true, "x": 1'));
    let r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/invalid signature|chains to/);

    dir = make();
    rmSync(join(dir, 'digests/2026/01/01/09.json'));
    r = await verifyS3Folder(dir, keys.publicKey);
    // Without hour 09's digest, the folder's chain starts at hour 10 (which names 09): its objects are unlisted, not broken.
    expect(r.digests.chainStartsAfter).toMatch(/digests\/2026\/01\/01\/09\.json$/);
    expect(r.unlistedObjects).toHaveLength(2);
  });
});

describe('verifyS3Folder against a forger', () => {
  const dirs: string[] = [];
  const make = () => {
    const d = folder();
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const hour10 = `2026/01/01/10/${pad(9)}-${pad(12)}.ndjson.gz`;

  /** Rewrites entries 9..12 (hour 10) with other content and hashes recomputed from entry 8's: a chain that still holds together. */
  function forgeHour10(dir: string) {
    const entries = chain(12);
    let prev = entries[7]!.hash;
    const lines = gunzipSync(readFileSync(join(dir, hour10)))
      .toString()
      .trim()
      .split('\n')
      .map((l) => {
        const { id, hash: _h, prevHash: _p, keyledger, ...e } = JSON.parse(l) as ChainedEntry & { id: string; hash: string; prevHash: string; keyledger: StreamBatchHead };
        const forged = { ...e, target: { ...(e.target as object), label: 'Forged' } } as ChainedEntry;
        const hash = entryHash(forged, prev);
        const out = { ...forged, id, hash, prevHash: prev, keyledger: { ...keyledger, prevHash: keyledger.firstSeq === e.seq ? prev : keyledger.prevHash } };
        prev = hash;
        return JSON.stringify(out);
      });
    writeFileSync(join(dir, hour10), gzipSync(`${lines.join('\n')}\n`));
  }

  it('the last hour forged and its digest removed: broken (the digest before it is final)', async () => {
    const dir = make();
    forgeHour10(dir);
    rmSync(join(dir, 'digests/2026/01/01/10.json'));
    const r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/final, yet no digest of a later hour|the digest of its hour is missing/);
    // Even asked only up to what the final digest covers, the object in no digest is named.
    expect(await verifyS3Folder(dir, keys.publicKey, { fromSeq: 1, toSeq: 8 })).toMatchObject({ ok: false });
  });

  it('every digest removed: broken, not a folder of unlisted objects', async () => {
    const dir = make();
    rmSync(join(dir, 'digests'), { recursive: true });
    const r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/no digest at all/);
  });

  it('the last hour truncated (its objects and digest removed): broken', async () => {
    const dir = make();
    rmSync(join(dir, 'digests/2026/01/01/10.json'));
    rmSync(join(dir, hour10));
    const r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/final, yet no digest of a later hour/);
    expect(await verifyS3Folder(dir, keys.publicKey, { fromSeq: 1, toSeq: 8 })).toMatchObject({ ok: true, lastSeq: 8 });
  });

  it('a forged digest (another key), a reordered object and a duplicated object', async () => {
    let dir = make();
    const other = generateKeyPairSync('ed25519');
    const d10 = join(dir, 'digests/2026/01/01/10.json');
    const { signature: _s, ...rest } = JSON.parse(readFileSync(d10, 'utf8')) as S3Digest;
    forgeHour10(dir);
    const body = readFileSync(join(dir, hour10));
    const forged = { ...rest, objects: rest.objects.map((o) => ({ ...o, sha256: sha(body), bytes: body.length })) };
    writeFileSync(d10, JSON.stringify({ ...forged, signature: sign(null, Buffer.from(canonicalJson(forged)), other.privateKey).toString('base64') }));
    let r = await verifyS3Folder(dir, keys.publicKey);
    expect(r).toMatchObject({ ok: false });
    expect(r.reason).toMatch(/invalid signature/);

    dir = make();
    const lines = gunzipSync(readFileSync(join(dir, hour10))).toString().trim().split('\n');
    writeFileSync(join(dir, hour10), gzipSync(`${[lines[1], lines[0], ...lines.slice(2)].join('\n')}\n`));
    r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);

    // A copy of a listed object under another name in a final hour: named; in the open hour: reported, its entries duplicates of the same content.
    dir = make();
    writeFileSync(join(dir, `2026/01/01/09/${pad(5)}-${pad(8)}-copy.ndjson.gz`), readFileSync(join(dir, `2026/01/01/09/${pad(5)}-${pad(8)}.ndjson.gz`)));
    r = await verifyS3Folder(dir, keys.publicKey);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/is not in its hour's final digest/);
    dir = make();
    writeFileSync(join(dir, `2026/01/01/10/${pad(9)}-${pad(12)}-copy.ndjson.gz`), readFileSync(join(dir, hour10)));
    r = await verifyS3Folder(dir, keys.publicKey, { fromSeq: 1, toSeq: 12 });
    expect(r).toMatchObject({ ok: true, duplicates: 4 });
    expect(r.unlistedObjects).toEqual([`2026/01/01/10/${pad(9)}-${pad(12)}-copy.ndjson.gz`]);
  });
});

describe('parseReceived', () => {
  const [e1, e2] = chain(2);
  const head: StreamBatchHead = { format: 'keyledger-log-stream-batch/1', streamId: STREAM, accountId: ACCOUNT, batchId: 'b1', firstSeq: 1, lastSeq: 2, prevHash: GENESIS_HASH, filtered: false, checkpoint: null };

  it('reads Splunk HEC requests (concatenated envelopes) and Datadog arrays as batches', () => {
    const hec = [e1, e2].map((e) => JSON.stringify({ time: 1, sourcetype: 'keyledger:audit', event: { ...e, keyledger: head } })).join('');
    expect(parseReceived(hec)).toEqual([{ head, entries: [e1, e2] }]);
    const dd = JSON.stringify([e1, e2].map((e) => ({ ddsource: 'keyledger', service: 's', ddtags: 'a:b', message: 'm', ...e, keyledger: head })));
    expect(parseReceived(dd)).toEqual([{ head, entries: [e1, e2] }]);
  });

  it('refuses what is not a Keyledger payload', () => {
    expect(() => parseReceived('{"a":1}{')).toThrow(/not JSON/);
    expect(() => parseReceived('[{"seq":1}]')).toThrow(/without its batch/);
  });
});
