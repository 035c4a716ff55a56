import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  GetObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { PassThrough, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type S3ExportStorageConfig } from '../../config/export-storage-url';
import {
  assertExportKey,
  ExportStorageError,
  type ExportStorage,
  type ExportUpload,
  type StoredExport,
} from './export-storage';

/** Multipart part size: S3's minimum, 5 MiB; 10,000 parts allow files up to 48 GiB. */
const PART_SIZE = 5 * 1024 * 1024;
/**
 * Parts uploaded at once. One upload holds at most QUEUE_SIZE parts in flight and the part being
 * filled (with its copy while it is joined): about 25 MiB, whatever the file's size.
 */
const QUEUE_SIZE = 2;

/** What `abort()` destroys the upload's body with, so that the upload's own failure can be told apart. */
class UploadAborted extends Error {
  constructor() {
    super('The export upload was aborted');
    this.name = 'UploadAborted';
  }
}

/** An SDK or network failure, said without addresses or the bucket's internals. */
function storageError(err: unknown, doing: string): Error {
  if (err instanceof ExportStorageError || err instanceof UploadAborted) return err;
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  let reason: string;
  if (err instanceof S3ServiceException || status) {
    reason = `S3 answered ${e.name ?? 'an error'}${status ? ` (HTTP ${status})` : ''}`;
  } else {
    // A network failure: the system's code (ECONNREFUSED, ETIMEDOUT, …), also when the SDK wrapped it.
    const code =
      typeof e.code === 'string' ? e.code : /\b(E[A-Z]{2,})\b/.exec(String(e.message))?.[1];
    reason = code
      ? `S3 could not be reached (${code})`
      : `the request to S3 failed (${e.name ?? 'Error'})`;
  }
  return new ExportStorageError(`${doing}: ${reason}`, { cause: err });
}

/** The object is not there (a missing bucket is not this: it is the configuration's fault, and an error). */
function isMissing(err: unknown): boolean {
  const name = (err as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

export interface S3ExportStorageOptions {
  /** For tests: a smaller multipart part (at least 5 MiB, S3's minimum). */
  partSize?: number;
}

/**
 * Export files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …), under `<prefix><key>`.
 *
 * `create` starts a multipart upload (@aws-sdk/lib-storage) fed by the writer, but holds back the end of
 * its body until `commit()`: the last part (or, for a file under one part, the single PUT) is sent only
 * then, and S3 shows the object only once CompleteMultipartUpload has succeeded, so nothing is visible
 * under the key before `commit()`. `abort()` stops the upload and aborts the multipart upload (its parts
 * are deleted). A worker killed mid-upload leaves an incomplete multipart upload, invisible but stored:
 * the next writer of that key (the retried job) aborts it first; for uploads no retry comes back to,
 * give the bucket a lifecycle rule that aborts incomplete multipart uploads after a day (MinIO removes
 * them by itself after 24 h).
 */
export class S3ExportStorage implements ExportStorage, OnModuleDestroy {
  private readonly logger = new Logger(S3ExportStorage.name);
  readonly client: S3Client;
  private readonly partSize: number;

  constructor(
    private readonly config: S3ExportStorageConfig,
    options: S3ExportStorageOptions = {},
  ) {
    this.partSize = options.partSize ?? PART_SIZE;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // Checksums only where S3 requires them: S3-compatible servers do not all accept the SDK's
      // default streaming CRC32 trailers. Each file's SHA-256 is in its export's manifest anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** The object key of an export key: `<prefix><accountId>/<exportId>.<ext>`. */
  objectKey(key: string): string {
    assertExportKey(key);
    return `${this.config.prefix}${key}`;
  }

  async create(key: string): Promise<ExportUpload> {
    const Bucket = this.config.bucket;
    const Key = this.objectKey(key);
    await this.abortLeftUploads(Key);
    // The upload reads `body`; the writer writes `sink`, whose end does not end `body` (commit does).
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    const upload = new Upload({
      client: this.client,
      params: { Bucket, Key, Body: body },
      partSize: this.partSize,
      queueSize: QUEUE_SIZE,
    });
    const outcome: Promise<Error | null> = upload.done().then(
      () => null,
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );

    let waiting: (() => void) | null = null;
    const release = () => {
      const w = waiting;
      waiting = null;
      w?.();
    };
    body.on('drain', release).on('close', release);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        if (body.destroyed) return callback(new ExportStorageError('The upload to S3 stopped'));
        if (body.write(chunk)) return callback();
        waiting = () =>
          callback(body.destroyed ? new ExportStorageError('The upload to S3 stopped') : undefined);
      },
      // The end is held back until commit(): nothing reaches the key before.
      final: (callback) => callback(),
    });
    // The upload failed (a part refused, S3 unreachable): the writer stops with that error.
    void outcome.then((err) => {
      if (err && !(err instanceof UploadAborted))
        sink.destroy(storageError(err, 'Writing the export file to S3'));
    });
    const written = finished(sink).catch(() => undefined);

    let committed = false;
    return {
      stream: sink,
      commit: async () => {
        await written;
        if (!sink.writableFinished)
          throw new ExportStorageError(`The export file ${Key} was not finished`);
        body.end();
        const err = await outcome;
        if (err) throw storageError(err, 'Completing the export file in S3');
        committed = true;
      },
      abort: async () => {
        if (committed) return;
        sink.destroy();
        body.destroy(new UploadAborted());
        // lib-storage stops its part uploads and aborts the multipart upload it started; the explicit
        // abort below makes sure of it (S3 answers NoSuchUpload when it is already gone).
        await outcome;
        if (!upload.uploadId) return;
        try {
          await this.client.send(
            new AbortMultipartUploadCommand({ Bucket, Key, UploadId: upload.uploadId }),
          );
        } catch (err) {
          if ((err as { name?: string }).name === 'NoSuchUpload') return;
          throw storageError(err, 'Aborting the export upload in S3');
        }
      },
    };
  }

  /**
   * A new writer of a key first aborts the multipart uploads a killed writer left under it (invisible,
   * but their parts are stored and billed). Best effort: a store that cannot list them still works, and
   * the bucket's lifecycle rule removes them.
   */
  private async abortLeftUploads(Key: string): Promise<void> {
    let uploads;
    try {
      uploads =
        (
          await this.client.send(
            new ListMultipartUploadsCommand({ Bucket: this.config.bucket, Prefix: Key }),
          )
        ).Uploads ?? [];
    } catch (err) {
      // Only the store's answers (NotImplemented, AccessDenied, …) and network failures; a bug is thrown.
      if (!(err instanceof S3ServiceException) && !(err as { $metadata?: unknown }).$metadata)
        throw err;
      this.logger.warn(
        `Could not list the unfinished uploads of ${Key} (${storageError(err, 'listing').message}); leaving them to the bucket's lifecycle rule`,
      );
      return;
    }
    for (const left of uploads) {
      if (left.Key !== Key || !left.UploadId) continue;
      await this.client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: this.config.bucket,
            Key,
            UploadId: left.UploadId,
          }),
        )
        .catch((err: unknown) => {
          if ((err as { name?: string }).name !== 'NoSuchUpload')
            throw storageError(err, 'Aborting an unfinished upload in S3');
        });
      this.logger.log(`Aborted an unfinished upload of ${Key} left by an earlier attempt`);
    }
  }

  async open(key: string): Promise<StoredExport | null> {
    const Key = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key }));
      if (!(res.Body instanceof Readable))
        throw new ExportStorageError('S3 answered without a body to stream');
      if (res.ContentLength === undefined) {
        res.Body.destroy();
        throw new ExportStorageError('S3 answered without the object size');
      }
      return { stream: res.Body, size: res.ContentLength };
    } catch (err) {
      if (isMissing(err)) return null;
      throw storageError(err, 'Reading the export file from S3');
    }
  }

  /** DeleteObject succeeds for a key already gone, so removing twice is not an error. */
  async remove(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key }));
    } catch (err) {
      if (isMissing(err)) return;
      throw storageError(err, 'Deleting the export file from S3');
    }
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
