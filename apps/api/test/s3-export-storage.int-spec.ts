import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { type Readable, Readable as ReadableStream } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { type S3ExportStorageConfig } from '../src/config/export-storage-url';
import { exportKey, ExportStorageError } from '../src/exports/storage/export-storage';
import { S3ExportStorage } from '../src/exports/storage/s3-export.storage';
import { S3Server } from './support/s3';

const MiB = 1024 * 1024;
/** S3's smallest part: files above it go up as multipart uploads. */
const PART = 5 * MiB;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes `data` in 64 KiB chunks into a writable and ends it, with backpressure. */
async function writeAll(
  data: Buffer,
  sink: NodeJS.WritableStream & { destroyed?: boolean },
): Promise<void> {
  const chunks = function* () {
    for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
  };
  await pipeline(ReadableStream.from(chunks()), sink);
}

describe(S3ExportStorage.name, () => {
  const s3 = new S3Server();
  let storage: S3ExportStorage;
  const prefix = `exports-${randomUUID().slice(0, 8)}/`;
  const config = (): S3ExportStorageConfig => ({
    kind: 's3',
    bucket: s3.bucket,
    prefix,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const newKey = (ext = 'csv') => exportKey(randomUUID(), randomUUID(), ext);

  beforeAll(async () => {
    await s3.start();
    storage = new S3ExportStorage(config(), { partSize: PART });
  });

  afterAll(async () => {
    storage?.onModuleDestroy();
    await s3.close();
  });

  it('shows nothing under the key until commit(): a multipart file (parts already sent) and a one-part file', async () => {
    const key = newKey();
    const objectKey = `${prefix}${key}`;
    const data = randomBytes(24 * MiB + 123);
    const upload = await storage.create(key);
    await writeAll(data, upload.stream);
    // Everything is written and parts are on the server, but no object exists yet: an upload is under way.
    expect(await s3.uploads(objectKey)).toEqual([objectKey]);
    expect(await s3.exists(objectKey)).toBe(false);
    expect(await s3.keys(prefix)).not.toContain(objectKey);
    await upload.commit();
    expect(await s3.exists(objectKey)).toBe(true);
    expect(sha256(await s3.read(objectKey))).toBe(sha256(data));
    expect(await s3.uploads(objectKey)).toEqual([]);

    const small = newKey('ndjson');
    const smallData = Buffer.from('{"manifest":{}}\n{"seq":1}\n');
    const smallUpload = await storage.create(small);
    await writeAll(smallData, smallUpload.stream);
    expect(await s3.exists(`${prefix}${small}`)).toBe(false);
    await smallUpload.commit();
    expect(await s3.read(`${prefix}${small}`)).toEqual(smallData);
    // Every key starts with the configured prefix, then the account.
    expect(await s3.keys(prefix)).toEqual(expect.arrayContaining([objectKey, `${prefix}${small}`]));
  });

  it('abort() aborts the multipart upload and leaves nothing: no object, no parts', async () => {
    const key = newKey();
    const objectKey = `${prefix}${key}`;
    const upload = await storage.create(key);
    await writeAll(randomBytes(24 * MiB), upload.stream);
    expect(await s3.uploads(objectKey)).toEqual([objectKey]);
    await upload.abort();
    expect(await s3.uploads(objectKey)).toEqual([]);
    expect(await s3.exists(objectKey)).toBe(false);

    // Aborted mid-write (the writer failed), before its end: the same.
    const midway = newKey();
    const partial = await storage.create(midway);
    const source = ReadableStream.from(
      (function* () {
        for (let i = 0; i < 16 * 16; i++) yield randomBytes(64 * 1024);
        throw new Error('the database went away');
      })(),
    );
    await expect(pipeline(source, partial.stream)).rejects.toThrow('the database went away');
    await partial.abort();
    expect(await s3.uploads(`${prefix}${midway}`)).toEqual([]);
    expect(await s3.exists(`${prefix}${midway}`)).toBe(false);

    // A one-part file aborted before commit never reaches the server.
    const small = newKey();
    const smallUpload = await storage.create(small);
    await writeAll(Buffer.from('a,b\r\n'), smallUpload.stream);
    await smallUpload.abort();
    expect(await s3.exists(`${prefix}${small}`)).toBe(false);
    expect(await s3.uploads(`${prefix}${small}`)).toEqual([]);
  });

  it('a new writer of a key first aborts the multipart upload a killed writer left under it', async () => {
    const key = newKey('ndjson');
    const objectKey = `${prefix}${key}`;
    const killed = await storage.create(key);
    await writeAll(randomBytes(24 * MiB), killed.stream);
    expect(await s3.uploads(objectKey)).toEqual([objectKey]);
    // The retry, in another process: it never heard of the first upload.
    const retry = new S3ExportStorage(config(), { partSize: PART });
    try {
      const upload = await retry.create(key);
      expect(await s3.uploads(objectKey)).toEqual([]);
      const data = Buffer.from('{"manifest":{}}\n');
      await writeAll(data, upload.stream);
      await upload.commit();
      expect(await s3.read(objectKey)).toEqual(data);
      expect(await s3.uploads(prefix)).not.toContain(objectKey);
    } finally {
      retry.onModuleDestroy();
    }
    await killed.abort(); // its upload is gone already: not an error
  });

  it('open(): null for a missing key; a stored file streams with its size', async () => {
    expect(await storage.open(newKey())).toBeNull();
    const key = newKey();
    const data = randomBytes(PART + 17);
    const upload = await storage.create(key);
    await writeAll(data, upload.stream);
    await upload.commit();
    const file = await storage.open(key);
    expect(file).not.toBeNull();
    expect(file!.size).toBe(data.length);
    expect(sha256(await readAll(file!.stream))).toBe(sha256(data));
  });

  it('remove() deletes the file, and removing it again (or a key never written) is not an error', async () => {
    const key = newKey();
    const upload = await storage.create(key);
    await writeAll(Buffer.from('x'), upload.stream);
    await upload.commit();
    expect(await s3.exists(`${prefix}${key}`)).toBe(true);
    await storage.remove(key);
    expect(await s3.exists(`${prefix}${key}`)).toBe(false);
    expect(await storage.open(key)).toBeNull();
    await expect(storage.remove(key)).resolves.toBeUndefined();
    await expect(storage.remove(newKey())).resolves.toBeUndefined();
  });

  it('refuses a key that is not an export key, before any request', async () => {
    await expect(storage.create('../etc/passwd')).rejects.toThrow(/Not an export key/);
    await expect(storage.open('a/b.csv')).rejects.toThrow(/Not an export key/);
    await expect(storage.remove(`${randomUUID()}/../x.csv`)).rejects.toThrow(/Not an export key/);
  });

  it('says what failed, without addresses or secrets, when the bucket is missing or the server unreachable', async () => {
    const noBucket = new S3ExportStorage(
      { ...config(), bucket: 'kltest-no-such-bucket' },
      { partSize: PART },
    );
    try {
      // A multipart file: the writer itself stops with the storage's error.
      const upload = await noBucket.create(newKey());
      const failed = writeAll(randomBytes(40 * MiB), upload.stream);
      await expect(failed).rejects.toBeInstanceOf(ExportStorageError);
      await expect(failed).rejects.toThrow(/S3 answered NoSuchBucket/);
      await upload.abort();
      // A one-part file: commit() fails.
      const small = await noBucket.create(newKey());
      await writeAll(Buffer.from('x'), small.stream);
      await expect(small.commit()).rejects.toThrow(
        /Completing the export file in S3: S3 answered NoSuchBucket/,
      );
      await expect(noBucket.open(newKey())).rejects.toThrow(
        'Reading the export file from S3: S3 answered NoSuchBucket (HTTP 404)',
      );
      await expect(noBucket.remove(newKey())).rejects.toThrow(
        /Deleting the export file from S3: S3 answered NoSuchBucket/,
      );
    } finally {
      noBucket.onModuleDestroy();
    }

    // A port nobody listens on.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const down = new S3ExportStorage({ ...config(), endpoint: `http://127.0.0.1:${port}` });
    try {
      const err = (await down.open(newKey()).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(ExportStorageError);
      expect(err.message).toBe(
        'Reading the export file from S3: S3 could not be reached (ECONNREFUSED)',
      );
      expect(err.message).not.toMatch(/127\.0\.0\.1|S3RVER/);
    } finally {
      down.onModuleDestroy();
    }
  });

  it('a commit() after a writer that did not finish is refused, and nothing appears', async () => {
    const key = newKey();
    const upload = await storage.create(key);
    upload.stream.write(Buffer.from('half'));
    upload.stream.destroy(new Error('stopped'));
    await finished(upload.stream).catch(() => undefined);
    await expect(upload.commit()).rejects.toThrow(/was not finished/);
    await upload.abort();
    expect(await s3.exists(`${prefix}${key}`)).toBe(false);
  });
});
