import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { randomUUID } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed account. */
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';
/** Where s3rver keeps a bucket's unfinished multipart uploads (one folder per upload id, its key in `key`). */
const UPLOADS_DIR = '._S3rver_uploads';

const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A real S3-protocol server (s3rver) on a free port of 127.0.0.1, storing in a temporary folder, with one
 * bucket. The AWS SDK talks to it as to any S3. s3rver lacks two calls of the multipart API, which are
 * added here over its own upload folders, per the S3 API reference: AbortMultipartUpload (DELETE
 * /bucket/key?uploadId=…: the parts are deleted, 204; NoSuchUpload 404 for an unknown id) and
 * ListMultipartUploads (GET /bucket?uploads&prefix=…), so a test can see what an upload left behind.
 */
export class S3Server {
  readonly bucket = `kltest-${randomUUID().slice(0, 8)}`;
  endpoint = '';
  client!: S3Client;
  private server?: S3rver;
  private dir = '';

  /** `tls`: serve HTTPS with this certificate (the client trusts it), as a log stream's endpoint must be. */
  constructor(private readonly tls?: { key: string; cert: string }) {}

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'kltest-s3rver-'));
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      directory: this.dir,
      silent: true,
      configureBuckets: [{ name: this.bucket }],
      ...(this.tls ? { key: this.tls.key, cert: this.tls.cert } : {}),
    });
    server.middleware.unshift(async (ctx, next) => {
      const m = /^\/([^/]+)(?:\/(.+?))?\/?$/.exec(ctx.path);
      const bucket = m?.[1] ? decodeURIComponent(m[1]) : undefined;
      const key = m?.[2] ? m[2].split('/').map(decodeURIComponent).join('/') : undefined;
      const uploadsDir = bucket ? join(this.dir, bucket, UPLOADS_DIR) : '';
      if (ctx.method === 'DELETE' && bucket && key && typeof ctx.query.uploadId === 'string') {
        const dir = join(uploadsDir, ctx.query.uploadId.replace(/[^0-9a-f]/g, ''));
        const stored = await readFile(join(dir, 'key'), 'utf8').catch(() => null);
        if (stored !== key) {
          ctx.status = 404;
          ctx.type = 'application/xml';
          ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>`;
          return;
        }
        await rm(dir, { recursive: true, force: true });
        ctx.status = 204;
        return;
      }
      if (ctx.method === 'GET' && bucket && !key && 'uploads' in ctx.query) {
        const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
        const uploads: string[] = [];
        for (const id of await readdir(uploadsDir).catch(() => [] as string[])) {
          const uploadKey = await readFile(join(uploadsDir, id, 'key'), 'utf8').catch(() => null);
          if (uploadKey !== null && uploadKey.startsWith(prefix)) {
            uploads.push(
              `<Upload><Key>${xml(uploadKey)}</Key><UploadId>${id}</UploadId><Initiated>${new Date().toISOString()}</Initiated></Upload>`,
            );
          }
        }
        ctx.status = 200;
        ctx.type = 'application/xml';
        ctx.body =
          `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<Bucket>${xml(bucket)}</Bucket><Prefix>${xml(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>` +
          `${uploads.join('')}</ListMultipartUploadsResult>`;
        return;
      }
      return next();
    });
    const { port } = await server.run();
    this.server = server;
    this.endpoint = `${this.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    this.client = new S3Client({
      ...(this.tls
        ? { requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ ca: this.tls.cert }) }) }
        : {}),
      region: 'us-east-1',
      endpoint: this.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return this;
  }

  /** EXPORT_STORAGE_URL for this server, with the credentials in the URL. */
  url(prefix = ''): string {
    return `s3://${ACCESS_KEY_ID}:${SECRET_ACCESS_KEY}@${this.bucket}/${prefix}?region=us-east-1&endpoint=${encodeURIComponent(this.endpoint)}&forcePathStyle=true`;
  }

  /** Every object key under a prefix, through the S3 API. */
  async keys(prefix = ''): Promise<string[]> {
    const res = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }),
    );
    return (res.Contents ?? []).map((o) => o.Key!).sort();
  }

  /** The unfinished multipart uploads under a prefix, through the S3 API. */
  async uploads(prefix = ''): Promise<string[]> {
    const res = await this.client.send(
      new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix }),
    );
    return (res.Uploads ?? []).map((u) => u.Key!);
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw err;
    }
  }

  async read(key: string): Promise<Buffer> {
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  }

  async close(): Promise<void> {
    this.client?.destroy();
    await this.server?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
