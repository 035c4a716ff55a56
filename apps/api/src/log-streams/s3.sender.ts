import { Inject, Injectable, Logger } from '@nestjs/common';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { LOG_STREAM_S3_DIGEST_FORMAT } from '@keyledger/contract';
import { canonicalJson, type Checkpoint, type S3Digest as VerifiedS3Digest } from '@keyledger/verify';
import { ENV, type Env } from '../config/env';
import { SigningKeyService } from '../integrity/signing-key.service';
import { type S3Config } from './destinations';
import { DestinationHttp, type SendResult } from './destination-http';
import { LogStreamS3Repository, type S3ObjectRow } from './log-stream-s3.repository';
import { type EntrySender, type OutgoingBatch, type SendTarget } from './senders';

const gzipAsync = promisify(gzip);
const SEQ_DIGITS = 16;
const MAX_CLIENTS = 200;

const pad2 = (n: number) => String(n).padStart(2, '0');
const seqName = (n: number) => String(n).padStart(SEQ_DIGITS, '0');

/** The hour (UTC) an instant falls in. */
export function hourOf(at: Date): Date {
  const h = new Date(at);
  h.setUTCMinutes(0, 0, 0);
  return h;
}

/** `YYYY/MM/DD/HH` of an hour (UTC). */
function hourPath(hour: Date): string {
  return `${hour.getUTCFullYear()}/${pad2(hour.getUTCMonth() + 1)}/${pad2(hour.getUTCDate())}/${pad2(hour.getUTCHours())}`;
}

/** `<prefix>/account=<id>/stream=<id>`: everything of one stream is under it. */
export function streamBase(config: Pick<S3Config, 'prefix'>, accountId: string, streamId: string): string {
  return `${config.prefix ? `${config.prefix}/` : ''}account=${accountId}/stream=${streamId}`;
}

/** A batch object's key: `<base>/YYYY/MM/DD/HH/<firstSeq>-<lastSeq>.ndjson.gz` (seqs zero-padded: keys sort by seq). */
export function objectKey(base: string, hour: Date, firstSeq: number, lastSeq: number): string {
  return `${base}/${hourPath(hour)}/${seqName(firstSeq)}-${seqName(lastSeq)}.ndjson.gz`;
}

/** An hour's digest key: `<base>/digests/YYYY/MM/DD/HH.json`. */
export function digestKey(base: string, hour: Date): string {
  return `${base}/digests/${hourPath(hour)}.json`;
}

/** The digest as written (its `signature` is Ed25519 over the canonical JSON of everything else): the verifier's type. */
export type S3Digest = Omit<VerifiedS3Digest, 'format' | 'signature'> & { format: typeof LOG_STREAM_S3_DIGEST_FORMAT; signature?: string };

class S3Failure extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
  }
}

/**
 * S3 or an S3-compatible store (AWS SDK v3): each batch one gzip NDJSON object (a line per entry: the
 * entry and its batch's continuity fields under `keyledger`) under
 * `<prefix>/account=<id>/stream=<id>/YYYY/MM/DD/HH/<firstSeq>-<lastSeq>.ndjson.gz`, HH the hour (UTC) it
 * was written; and per hour a digest `…/digests/YYYY/MM/DD/HH.json` (like CloudTrail's) listing the
 * hour's objects with their SHA-256 and seq range and the latest signed checkpoint they reach, signed
 * with the checkpoint key and chained to the previous hour's final digest (its key and SHA-256). The
 * current hour's digest is rewritten at most every LOG_STREAM_S3_DIGEST_EVERY_MS; it becomes final
 * (`complete: true`) with the first batch written in a later hour.
 *
 * The client's requests go through DestinationHttp's agent (the private-address guard and
 * LOG_STREAM_CA_FILE); a custom endpoint must be https and, unless private networks are allowed, not a
 * private address. The whole send (object and digests) is cut off at LOG_STREAM_TIMEOUT_MS.
 */
@Injectable()
export class S3Sender implements EntrySender {
  readonly type = 's3' as const;
  readonly reads = 'entries' as const;
  private readonly logger = new Logger(S3Sender.name);
  private readonly clients = new Map<string, S3Client>();

  constructor(
    private readonly http: DestinationHttp,
    private readonly repo: LogStreamS3Repository,
    private readonly signingKey: SigningKeyService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  private client(target: SendTarget): S3Client {
    const c = target.config as S3Config;
    if (c.endpoint) this.http.assertDialable(c.endpoint);
    const id = createHash('sha256')
      .update(JSON.stringify([target.streamId, c, target.secret]))
      .digest('hex');
    let client = this.clients.get(id);
    if (!client) {
      if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
      client = new S3Client({
        region: c.region,
        ...(c.endpoint ? { endpoint: c.endpoint } : {}),
        forcePathStyle: c.forcePathStyle ?? false,
        credentials: { accessKeyId: c.accessKeyId, secretAccessKey: target.secret },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 1, // the delivery service retries, with backoff
        requestHandler: new NodeHttpHandler({
          httpsAgent: this.http.httpsAgent(),
          connectionTimeout: this.env.LOG_STREAM_TIMEOUT_MS,
          requestTimeout: this.env.LOG_STREAM_TIMEOUT_MS,
        }),
      });
      this.clients.set(id, client);
    }
    return client;
  }

  private async put(client: S3Client, bucket: string, key: string, body: Buffer, contentType: string, signal: AbortSignal): Promise<void> {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }), { abortSignal: signal });
    } catch (err) {
      const e = err as Error & { $metadata?: { httpStatusCode?: number }; Code?: string };
      if (signal.aborted) throw new S3Failure(`no complete answer within ${this.env.LOG_STREAM_TIMEOUT_MS} ms`, null);
      const status = e.$metadata?.httpStatusCode ?? null;
      const what = `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`.slice(0, 200);
      throw new S3Failure(status ? `HTTP ${status}: ${what}` : what, status);
    }
  }

  async send(target: SendTarget, batch: OutgoingBatch): Promise<SendResult> {
    const started = Date.now();
    const signal = AbortSignal.timeout(this.env.LOG_STREAM_TIMEOUT_MS);
    const c = target.config as S3Config;
    const base = streamBase(c, target.accountId, target.streamId);
    try {
      const client = this.client(target);
      if (batch.entries.length === 0) {
        // A test event: a small object beside the stream's data (nothing else reads it).
        await this.put(client, c.bucket, `${base}/test/${batch.head.batchId}.json`, Buffer.from(JSON.stringify(batch.head)), 'application/json', signal);
        return { ok: true, statusCode: 200, durationMs: Date.now() - started, error: null };
      }
      const keyledger = JSON.stringify(batch.head);
      const ndjson = batch.entryJson.map((json) => `${json.slice(0, -1)},"keyledger":${keyledger}}\n`).join('');
      const body = await gzipAsync(ndjson);
      const now = new Date();
      const hour = hourOf(now);
      const key = objectKey(base, hour, batch.head.firstSeq, batch.head.lastSeq);
      await this.put(client, c.bucket, key, body, 'application/gzip', signal);
      await this.repo.recordObject({
        streamId: target.streamId,
        accountId: target.accountId,
        key,
        hour,
        sha256: createHash('sha256').update(body).digest('hex'),
        bytes: body.length,
        firstSeq: batch.head.firstSeq,
        lastSeq: batch.head.lastSeq,
        entries: batch.entries.length,
        checkpoint: batch.head.checkpoint,
      });
      await this.writeDigests(client, target, base, hour, signal);
      return { ok: true, statusCode: 200, durationMs: Date.now() - started, error: null };
    } catch (err) {
      const statusCode = err instanceof S3Failure ? err.statusCode : null;
      return { ok: false, statusCode, durationMs: Date.now() - started, error: (err as Error).message.slice(0, 500) };
    }
  }

  /** Final digests for the past hours not closed yet (in order, each chained to the one before), then the current hour's when due. */
  private async writeDigests(client: S3Client, target: SendTarget, base: string, hour: Date, signal: AbortSignal): Promise<void> {
    for (const past of await this.repo.openHoursBefore(target.streamId, hour)) {
      await this.writeDigest(client, target, base, past, true, signal);
    }
    const current = await this.repo.digest(target.streamId, hour);
    if (!current || Date.now() - current.written_at.getTime() >= this.env.LOG_STREAM_S3_DIGEST_EVERY_MS) {
      await this.writeDigest(client, target, base, hour, false, signal);
    }
  }

  private async writeDigest(client: S3Client, target: SendTarget, base: string, hour: Date, complete: boolean, signal: AbortSignal): Promise<void> {
    const objects = await this.repo.hourObjects(target.streamId, hour);
    const previous = await this.repo.previousFinal(target.streamId, hour);
    const digest = buildDigest(target, hour, complete, objects, previous, this.signingKey.get().keyId);
    digest.signature = sign(null, Buffer.from(canonicalJson(digest)), this.signingKey.get().privateKey).toString('base64');
    const bytes = Buffer.from(`${JSON.stringify(digest, null, 2)}\n`);
    const key = digestKey(base, hour);
    await this.put(client, (target.config as S3Config).bucket, key, bytes, 'application/json', signal);
    await this.repo.saveDigest({
      streamId: target.streamId,
      accountId: target.accountId,
      hour,
      key,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      objects: objects.length,
      complete,
    });
  }
}

function buildDigest(
  target: SendTarget,
  hour: Date,
  complete: boolean,
  objects: S3ObjectRow[],
  previous: { key: string; sha256: string; hour: Date } | null,
  keyId: string,
): S3Digest {
  let checkpoint: Checkpoint | null = null;
  for (const o of objects) if (o.checkpoint && (!checkpoint || o.checkpoint.seq > checkpoint.seq)) checkpoint = o.checkpoint;
  const seqs = objects.flatMap((o) => [Number(o.first_seq), Number(o.last_seq)]);
  return {
    format: LOG_STREAM_S3_DIGEST_FORMAT,
    accountId: target.accountId,
    streamId: target.streamId,
    hour: hour.toISOString(),
    complete,
    writtenAt: new Date().toISOString(),
    objects: objects.map((o) => ({
      key: o.key,
      sha256: o.sha256,
      bytes: Number(o.bytes),
      firstSeq: Number(o.first_seq),
      lastSeq: Number(o.last_seq),
      entries: o.entries,
    })),
    firstSeq: seqs.length ? Math.min(...seqs) : null,
    lastSeq: seqs.length ? Math.max(...seqs) : null,
    checkpoint,
    previousDigest: previous ? { key: previous.key, sha256: previous.sha256, hour: previous.hour.toISOString() } : null,
    keyId,
  };
}
