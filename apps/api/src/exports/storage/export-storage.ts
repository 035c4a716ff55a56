import { type Readable, type Writable } from 'node:stream';

/**
 * Where export files live: a local folder (EXPORTS_DIR, LocalExportStorage) or an S3-compatible bucket
 * (EXPORT_STORAGE_URL, S3ExportStorage: a multipart upload completed by `commit`). The API reads files
 * through `open` (downloads), the worker writes them (`create`) and deletes them (`remove`, retention).
 */
export interface ExportStorage {
  /** A new file under `key`: nothing is visible under that key until `commit()`. */
  create(key: string): Promise<ExportUpload>;
  /** A stored file, or null when there is none. */
  open(key: string): Promise<StoredExport | null>;
  /** Delete a stored file; a file already gone is not an error. */
  remove(key: string): Promise<void>;
}

export interface ExportUpload {
  /** Write the content here; end it before `commit()`. */
  readonly stream: Writable;
  /** Make the finished file visible under its key, atomically. */
  commit(): Promise<void>;
  /** Drop the partial file. */
  abort(): Promise<void>;
}

export interface StoredExport {
  stream: Readable;
  size: number;
}

export const EXPORT_STORAGE = Symbol('EXPORT_STORAGE');

/**
 * The store failed (unreachable, refused, not found): its message says what was being done and the
 * store's answer, never an address or a credential, so an export's requester may read it.
 */
export class ExportStorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExportStorageError';
  }
}

const KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\.[a-z]{2,8}$/;

/** `<accountId>/<exportId>.<ext>`: every key starts with the account. */
export function exportKey(accountId: string, exportId: string, extension: string): string {
  const key = `${accountId}/${exportId}.${extension}`;
  if (!KEY.test(key)) throw new Error(`Not an export key: ${key}`);
  return key;
}

export function assertExportKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`Not an export key: ${key}`);
}
