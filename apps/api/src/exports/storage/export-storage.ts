import { type Readable, type Writable } from 'node:stream';

/**
 * Where export files live. Local folder today (EXPORTS_DIR); an S3-compatible bucket can implement
 * the same calls (a multipart upload completed by `commit`).
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
