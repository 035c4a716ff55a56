import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChainedEntry } from './canonical';
import { entryHash, GENESIS_HASH } from './chain';
import { type Checkpoint, checkpointPayload } from './checkpoint';
import { main } from './cli';
import { type StreamBatch, verifyStreamBatches, verifyStreamFolder } from './stream-batches';

const ACCOUNT = '0190a1b2-0000-7000-8000-000000000001';
const STREAM = '0190a1b2-0000-7000-8000-0000000000f1';
const keys = generateKeyPairSync('ed25519');

/** A chain of n entries as the API returns them (seq, hash, prevHash). */
function chain(n: number): Array<ChainedEntry & { hash: string; prevHash: string }> {
  const out: Array<ChainedEntry & { hash: string; prevHash: string }> = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const e: ChainedEntry = {
      accountId: ACCOUNT,
      seq,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      action: seq % 2 ? 'product_created' : 'license_disabled',
      actor: {
        type: 'platform_user',
        id: '0190a1b2-0000-7000-8000-0000000000aa',
        name: 'Ann',
        email: 'ann@acme.test',
      },
      target: {
        type: 'product',
        id: '0190a1b2-0000-7000-8000-0000000000b1',
        label: `Product ${seq}`,
      },
      links: [
        { type: 'product', id: '0190a1b2-0000-7000-8000-0000000000b1', label: `Product ${seq}` },
      ],
      changes: [{ field: 'name', before: null, after: `Product ${seq}` }],
      context: { requestId: `req-${seq}`, ip: '127.0.0.1', userAgent: 'test', source: 'ui' },
    };
    const hash = entryHash(e, prev);
    out.push({ ...e, hash, prevHash: prev });
    prev = hash;
  }
  return out;
}

function checkpointAt(
  entries: ReturnType<typeof chain>,
  seq: number,
  privateKey = keys.privateKey,
): Checkpoint {
  const c = {
    accountId: ACCOUNT,
    seq,
    hash: entries[seq - 1]!.hash,
    at: '2026-01-01T01:00:00.000Z',
  };
  return {
    ...c,
    keyId: 'test',
    signature: sign(null, checkpointPayload(c), privateKey).toString('base64'),
  };
}

/** The entries cut into batches of `size`, each carrying the checkpoint at `cpSeq`. */
function batches(entries: ReturnType<typeof chain>, size: number, cpSeq: number): StreamBatch[] {
  const out: StreamBatch[] = [];
  for (let i = 0; i < entries.length; i += size) {
    const part = entries.slice(i, i + size);
    out.push({
      streamId: STREAM,
      accountId: ACCOUNT,
      batchId: `batch_${i}`,
      firstSeq: part[0]!.seq,
      lastSeq: part[part.length - 1]!.seq,
      prevHash: part[0]!.prevHash,
      filtered: false,
      checkpoint: checkpointAt(entries, cpSeq),
      entries: part,
    });
  }
  return out;
}

describe(verifyStreamBatches.name, () => {
  const entries = chain(25);

  it('accepts a complete, chained, signed delivery, in any file order and with a batch sent twice', () => {
    const all = batches(entries, 10, 20);
    const report = verifyStreamBatches([all[2]!, all[0]!, all[1]!, all[1]!], keys.publicKey, {
      fromSeq: 1,
      toSeq: 25,
    });
    expect(report).toMatchObject({
      ok: true,
      entries: 25,
      duplicates: 10,
      firstSeq: 1,
      lastSeq: 25,
      checkpoint: { seq: 20, signatureValid: true, matchesEntry: true },
    });
  });

  it('names the first missing entry when a batch is missing', () => {
    const all = batches(entries, 10, 20);
    const report = verifyStreamBatches([all[0]!, all[2]!], keys.publicKey);
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 11, reason: 'entry #11 is missing' });
  });

  it('names a missing tail when the range to hold goes further than what arrived', () => {
    const all = batches(entries, 10, 20);
    const report = verifyStreamBatches(all.slice(0, 2), keys.publicKey, { fromSeq: 1, toSeq: 25 });
    expect(report).toMatchObject({ ok: false, firstBrokenSeq: 21, reason: 'entry #21 is missing' });
  });

  it('names an entry whose content was changed in transit', () => {
    const all = batches(entries, 10, 20);
    const tampered = structuredClone(all);
    tampered[1]!.entries[3]!.changes = [{ field: 'name', before: null, after: 'Forged' }];
    const report = verifyStreamBatches(tampered, keys.publicKey);
    expect(report).toMatchObject({
      ok: false,
      firstBrokenSeq: 14,
      reason: 'entry #14 does not match its hash: its content was changed',
    });
  });

  it('names an entry replaced by a re-hashed forgery (the chain no longer links)', () => {
    const all = structuredClone(batches(entries, 10, 20));
    const e = all[0]!.entries[4]!;
    e.changes = [{ field: 'name', before: null, after: 'Forged' }];
    e.hash = entryHash(e, e.prevHash);
    const report = verifyStreamBatches(all, keys.publicKey);
    expect(report).toMatchObject({
      ok: false,
      firstBrokenSeq: 6,
      reason: 'entry #6 does not follow entry #5',
    });
  });

  it('names an entry whose prevHash is not 64 hex digits, even when its prefix is the right hash and its own hash is recomputed over it', () => {
    const all = structuredClone(batches(entries, 10, 20));
    const e = all[0]!.entries[6]!;
    // Kept as bytes, "<hash of #6>zz" would read as the hash of #6: the text itself must be exact.
    e.prevHash = `${e.prevHash}zz`;
    e.hash = entryHash(e, e.prevHash);
    expect(verifyStreamBatches(all, keys.publicKey)).toMatchObject({
      ok: false,
      firstBrokenSeq: 7,
      reason: 'entry #7 does not carry a well-formed hash and prevHash',
    });
  });

  it('verifies a folder one batch file at a time (20,000 entries in 40 files, each dropped once checked)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-stream-big-'));
    try {
      const big = chain(20_000);
      batches(big, 500, 20_000).forEach((b, i) =>
        writeFileSync(join(dir, `${String(i).padStart(4, '0')}.json`), JSON.stringify(b)),
      );
      const report = await verifyStreamFolder(dir, keys.publicKey, { fromSeq: 1, toSeq: 20_000 });
      expect(report).toMatchObject({
        ok: true,
        entries: 20_000,
        batches: 40,
        checkpoint: { seq: 20_000, matchesEntry: true },
      });
      rmSync(join(dir, '0023.json'));
      expect(await verifyStreamFolder(dir, keys.publicKey)).toMatchObject({
        ok: false,
        firstBrokenSeq: 11_501,
        reason: 'entry #11501 is missing',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('refuses a checkpoint signed by another key, and one that does not match its entry', () => {
    const other = generateKeyPairSync('ed25519');
    const all = batches(entries, 10, 20);
    for (const b of all) b.checkpoint = checkpointAt(entries, 20, other.privateKey);
    expect(verifyStreamBatches(all, keys.publicKey)).toMatchObject({
      ok: false,
      firstBrokenSeq: 20,
      reason: 'the checkpoint at entry #20 has an invalid signature',
    });
    const forged = batches(entries, 10, 20);
    const cp = {
      accountId: ACCOUNT,
      seq: 20,
      hash: 'f'.repeat(64),
      at: '2026-01-01T01:00:00.000Z',
    };
    for (const b of forged)
      b.checkpoint = {
        ...cp,
        keyId: 'test',
        signature: sign(null, checkpointPayload(cp), keys.privateKey).toString('base64'),
      };
    expect(verifyStreamBatches(forged, keys.publicKey)).toMatchObject({
      ok: false,
      firstBrokenSeq: 20,
      reason: 'entry #20 differs from the signed checkpoint',
    });
  });

  it('checks the entries of a filtered stream one by one, not for gaps', () => {
    const some = entries.filter((e) => e.seq % 3 === 0);
    const batch: StreamBatch = {
      streamId: STREAM,
      accountId: ACCOUNT,
      batchId: 'b',
      firstSeq: 1,
      lastSeq: 25,
      prevHash: GENESIS_HASH,
      filtered: true,
      checkpoint: null,
      entries: some,
    };
    expect(verifyStreamBatches([batch], keys.publicKey)).toMatchObject({
      ok: true,
      entries: 8,
      filtered: true,
    });
    const tampered = structuredClone(batch);
    (tampered.entries[2]!.target as { label: string }).label = 'Forged';
    expect(verifyStreamBatches([tampered], keys.publicKey)).toMatchObject({
      ok: false,
      firstBrokenSeq: 9,
    });
  });
});

describe('keyledger-verify --batches', () => {
  let dir: string;
  let keyFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kl-stream-'));
    keyFile = join(dir, '..', `${dir.split('/').pop()}-key.pem`);
    writeFileSync(keyFile, keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(keyFile, { force: true });
  });

  const quiet = async (argv: string[]) => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      return {
        code: await main(argv),
        out: log.mock.calls.map((c) => String(c[0])).join('\n'),
        err: err.mock.calls.map((c) => String(c[0])).join('\n'),
      };
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  };

  it('exits 0 on a complete folder and 1 naming the gap once a batch file is removed', async () => {
    const all = batches(chain(30), 7, 28);
    all.forEach((b, i) =>
      writeFileSync(join(dir, `${String(i).padStart(3, '0')}.json`), JSON.stringify(b)),
    );
    const good = await quiet([
      '--batches',
      dir,
      '--public-key',
      keyFile,
      '--from',
      '1',
      '--to',
      '30',
    ]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ ok: true, entries: 30 });
    rmSync(join(dir, '002.json'));
    const bad = await quiet(['--batches', dir, '--public-key', keyFile]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('BROKEN at entry #15: entry #15 is missing');
    await expect(verifyStreamFolder(dir, keys.publicKey)).resolves.toMatchObject({
      ok: false,
      firstBrokenSeq: 15,
    });
  });

  it('exits 2 on a usage error', async () => {
    expect((await quiet(['--batches', dir])).code).toBe(2);
    expect((await quiet(['--batches', dir, '--public-key', keyFile, '--from', 'x'])).code).toBe(2);
  });
});
